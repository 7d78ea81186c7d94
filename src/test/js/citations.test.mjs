import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STATUS_LABELS,
  citationLabel,
  citationTarget,
  citationsOf,
  indexingUnderway,
  splitAtPassage,
  withEventCitations,
} from '../../main/webapp/js/citations.js';

const BREWING = 'Espresso is brewed by forcing hot water through finely ground coffee. '
  + 'A good espresso takes about 25 seconds to extract. '
  + 'Cold brew steeps coarse grounds in cold water for 12 to 24 hours.';
const sourceCitation = { source_id: 's1', title: 'Brewing guide', passage: 3, text: 'A good espresso takes about 25 seconds to extract.' };
const noteCitation = { note_id: 'n1', title: 'Tasting notes', passage: 1, text: 'Bitter when over-extracted.' };

// --- status ----------------------------------------------------------------------------------

test('a list is watched while an item waits for or is in indexing, and not once all are done', () => {
  assert.equal(indexingUnderway([{ status: 'ready' }, { status: 'pending' }]), true);
  assert.equal(indexingUnderway([{ status: 'indexing' }]), true);
  assert.equal(indexingUnderway([{ status: 'ready' }, { status: 'failed' }]), false);
  assert.equal(indexingUnderway([{}]), false, 'a server that reports no status is not polled');
  assert.equal(indexingUnderway([]), false);
});

test('every status of the contract has a label', () => {
  assert.deepEqual(Object.keys(STATUS_LABELS), ['pending', 'indexing', 'ready', 'failed']);
});

// --- citations -------------------------------------------------------------------------------

test('citations are labelled by rank from 1, with title and passage number', () => {
  assert.equal(citationLabel(sourceCitation, 0), '[1] Brewing guide, passage 3');
  assert.equal(citationLabel(noteCitation, 1), '[2] Tasting notes, passage 1');
  assert.equal(citationLabel({ source_id: 's', title: '  ', text: 'x' }, 2), '[3] Untitled');
});

test('a citation opens the source or the note it names', () => {
  assert.deepEqual(citationTarget(sourceCitation), { kind: 'sources', id: 's1' });
  assert.deepEqual(citationTarget(noteCitation), { kind: 'notes', id: 'n1' });
});

test('only citations that name an item and carry text are kept, in order', () => {
  const event = {
    type: 'complete',
    citations: [sourceCitation, { title: 'no id', text: 'x' }, { source_id: 's2', title: 'no text' }, null, noteCitation],
  };
  assert.deepEqual(citationsOf(event), [sourceCitation, noteCitation]);
  assert.deepEqual(citationsOf({ type: 'complete' }), []);
  assert.deepEqual(citationsOf({ citations: 'not a list' }), []);
  assert.deepEqual(citationsOf(null), []);
});

// --- the passage in its content --------------------------------------------------------------

test('the content is cut around the passage, and the parts give the content back', () => {
  const parts = splitAtPassage(BREWING, sourceCitation.text);
  assert.deepEqual(parts, {
    before: 'Espresso is brewed by forcing hot water through finely ground coffee. ',
    passage: 'A good espresso takes about 25 seconds to extract.',
    after: ' Cold brew steeps coarse grounds in cold water for 12 to 24 hours.',
  });
  assert.equal(parts.before + parts.passage + parts.after, BREWING);
});

test('a passage at the very start or end leaves an empty part', () => {
  assert.deepEqual(splitAtPassage('One. Two.', 'One.'), { before: '', passage: 'One.', after: ' Two.' });
  assert.deepEqual(splitAtPassage('One. Two.', 'Two.'), { before: 'One. ', passage: 'Two.', after: '' });
  assert.deepEqual(splitAtPassage('All of it', 'All of it'), { before: '', passage: 'All of it', after: '' });
});

test('the first occurrence is marked when a passage repeats', () => {
  assert.deepEqual(splitAtPassage('a b a b', 'a b'), { before: '', passage: 'a b', after: ' a b' });
});

test('markup in the content is cut as text, never read', () => {
  const content = 'Before <img src=x onerror=alert(1)> the <b>passage</b> & after';
  assert.deepEqual(splitAtPassage(content, 'the <b>passage</b> &'), {
    before: 'Before <img src=x onerror=alert(1)> ',
    passage: 'the <b>passage</b> &',
    after: ' after',
  });
});

test('a passage that is no longer in the content, or is empty, finds nothing', () => {
  assert.equal(splitAtPassage(BREWING, 'A good espresso takes about 30 seconds to extract.'), null);
  assert.equal(splitAtPassage(BREWING, ''), null);
  assert.equal(splitAtPassage(undefined, 'x'), null);
  assert.equal(splitAtPassage('Case matters.', 'case matters.'), null);
});

test('a passage of characters outside the basic plane is found exactly', () => {
  const content = 'Intro. Café ☕ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text. End.';
  assert.deepEqual(splitAtPassage(content, 'Café ☕ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text.'), {
    before: 'Intro. ',
    passage: 'Café ☕ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text.',
    after: ' End.',
  });
});

// --- the stream's citations and the stored answer ----------------------------------------------

test('the complete event lends its citations to the stored answer it names when that has none', () => {
  const messages = [
    { id: 'h1', type: 'human', content: 'How long?' },
    { id: 'a1', type: 'ai', content: 'About 25 seconds.' },
  ];
  const event = { type: 'complete', message_id: 'a1', citations: [sourceCitation] };
  assert.deepEqual(withEventCitations(messages, event), [
    messages[0],
    { id: 'a1', type: 'ai', content: 'About 25 seconds.', citations: [sourceCitation] },
  ]);
  assert.deepEqual(messages[1], { id: 'a1', type: 'ai', content: 'About 25 seconds.' }, 'the stored list is not changed');
});

test('stored citations win over the event, and other answers are left alone', () => {
  const stored = [
    { id: 'a0', type: 'ai', content: 'Earlier.' },
    { id: 'a1', type: 'ai', content: 'Now.', citations: [noteCitation] },
  ];
  const event = { type: 'complete', message_id: 'a1', citations: [sourceCitation] };
  assert.deepEqual(withEventCitations(stored, event), stored);
  assert.equal(withEventCitations(stored, null), stored);
  assert.equal(withEventCitations(stored, { type: 'complete', message_id: 'a1' }), stored);
});
