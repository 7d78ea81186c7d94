// The passages an answer cites, and the indexing status of sources and notes: the rules the page
// follows, without the DOM, so they are tested in node.
//
// A citation is {source_id | note_id, title, passage, text}: the passage is an exact substring of
// the item's content, so the viewer finds it with indexOf and marks it, never by parsing markup.

/** What a row's status badge says; the status is the server's word, shown as is when unknown. */
export const STATUS_LABELS = {
  pending: 'Waiting',
  indexing: 'Indexing…',
  ready: 'Ready',
  failed: 'Not indexed',
};

/** How often a list with items still being indexed is asked again. */
export const STATUS_POLL_MS = 3000;

/** True while some item is waiting for or in indexing, so its list is worth asking again. */
export function indexingUnderway(items) {
  return items.some((item) => item.status === 'pending' || item.status === 'indexing');
}

/** The citations of a message or a `complete` event that name an item and carry text; others are dropped. */
export function citationsOf(holder) {
  const list = Array.isArray(holder?.citations) ? holder.citations : [];
  return list.filter(
    (c) => c && typeof c.text === 'string' && (typeof c.source_id === 'string' || typeof c.note_id === 'string'),
  );
}

/** Which item a citation opens: {kind: 'sources' | 'notes', id}. */
export function citationTarget(citation) {
  return typeof citation.source_id === 'string'
    ? { kind: 'sources', id: citation.source_id }
    : { kind: 'notes', id: citation.note_id };
}

/** "[1] Title, passage 3" for the first citation (numbered from 1, best first). */
export function citationLabel(citation, index) {
  const title = citation.title && citation.title.trim() ? citation.title : 'Untitled';
  const passage = Number.isInteger(citation.passage) ? `, passage ${citation.passage}` : '';
  return `[${index + 1}] ${title}${passage}`;
}

/**
 * The content cut around the passage: {before, passage, after}, where before + passage + after is the
 * content; null when the passage is empty or no longer in the content (the item was edited since).
 */
export function splitAtPassage(content, passage) {
  if (typeof content !== 'string' || typeof passage !== 'string' || passage.length === 0) return null;
  const at = content.indexOf(passage);
  if (at < 0) return null;
  return { before: content.slice(0, at), passage, after: content.slice(at + passage.length) };
}

/**
 * The stored messages with the `complete` event's citations on the answer it names, when the stored
 * answer came back without them (a server that saves them later, or not at all): what the stream
 * showed is not lost when the conversation is shown as saved.
 */
export function withEventCitations(messages, completeEvent) {
  const cited = citationsOf(completeEvent);
  if (!completeEvent?.message_id || cited.length === 0) return messages;
  return messages.map((message) =>
    message.id === completeEvent.message_id && citationsOf(message).length === 0 ? { ...message, citations: cited } : message,
  );
}
