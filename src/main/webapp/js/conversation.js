// The conversation pane: stored messages (an answer with the passages it cites listed under
// it), the user's message while it is being sent, the typing indicator, the bubble an answer
// streams into, and error notes.
//
// Streaming never re-renders the conversation: tokens are collected and, once per
// animation frame, the growing Markdown is rendered into that one bubble. When the turn
// ends the stored messages are rendered again, reusing every node that did not change, so
// a screen reader in the live region hears only the new answer.

import { h, formatTime } from './dom.js';
import { renderMarkdown } from './markdown-dom.js';
import { citationsOf, citationLabel } from './citations.js';

const STATUS_LABELS = {
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
  streaming: 'Still being written',
  sending: 'Sending…',
};

/** Keeps the view pinned to the newest message unless the reader scrolled up. */
function nearBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

/**
 * @param {HTMLElement} root
 * @param {object} [options]
 * @param {(citation: object) => void} [options.onCitation] opens a cited passage
 */
export function createConversation(root, { onCitation = () => {} } = {}) {
  let typing = null;

  function scrollToEnd() {
    root.scrollTop = root.scrollHeight;
  }

  function keepPinned(change) {
    const pinned = nearBottom(root);
    const result = change();
    if (pinned) scrollToEnd();
    return result;
  }

  /**
   * One message: a row holding the bubble (data-testid="message", whose text is the message
   * alone) and, under it, who said it, when, and any status worth a word.
   */
  function messageElement(message) {
    const type = message.type === 'human' ? 'human' : 'ai';
    const status = message.status || 'complete';
    const bubble = h('div', {
      class: `message message--${type}`,
      'data-testid': 'message',
      'data-type': type,
      'data-status': status,
    });
    if (type === 'ai' && !message.content) {
      bubble.appendChild(h('p', { class: 'muted', text: status === 'streaming' ? 'Writing…' : 'No answer was written.' }));
    } else if (type === 'ai') {
      bubble.appendChild(renderMarkdown(message.content));
    } else {
      bubble.textContent = message.content ?? '';
    }
    const meta = h('div', { class: 'message-meta' }, h('span', { class: 'message-author', text: type === 'human' ? 'You' : 'Assistant' }));
    if (type === 'ai' && message.model) meta.appendChild(h('span', { class: 'message-model', text: message.model }));
    if (message.timestamp) {
      meta.appendChild(h('time', { datetime: message.timestamp, text: formatTime(message.timestamp) }));
    }
    const cited = type === 'ai' ? citationsOf(message) : [];
    const row = h(
      'div',
      { class: `message-row message-row--${type}`, dataset: message.id ? { messageId: message.id } : {} },
      bubble,
      cited.length ? citationList(cited) : null,
      meta,
    );
    setBadge(row, status);
    row.signature = [message.id, type, status, message.model ?? '', message.content ?? '', JSON.stringify(cited)].join('\u0000');
    return row;
  }

  /** The passages an answer cites, best first, each a link to the passage in its source or note. */
  function citationList(cited) {
    return h(
      'ol',
      { class: 'citations', 'data-testid': 'citations', 'aria-label': 'Passages this answer cites' },
      cited.map((citation, i) =>
        h(
          'li',
          {},
          h('button', {
            type: 'button',
            class: 'link citation',
            'data-testid': 'citation',
            title: `Open ${citation.title || 'the item'} at the cited passage`,
            text: citationLabel(citation, i),
            onclick: () => onCitation(citation),
          }),
        ),
      ),
    );
  }

  function setBadge(row, status) {
    row.querySelector('.message').dataset.status = status;
    row.querySelector('.badge')?.remove();
    if (STATUS_LABELS[status]) {
      row.querySelector('.message-meta').appendChild(h('span', { class: `badge badge--${status}`, text: STATUS_LABELS[status] }));
    }
  }

  /**
   * Shows the stored messages. Nodes whose message is unchanged stay in place; everything
   * else in the pane (pending bubbles, typing, error notes, placeholders) goes.
   */
  function render(messages) {
    typing = null;
    const existing = new Map();
    for (const child of root.children) {
      if (child.dataset.messageId && child.signature) existing.set(child.signature, child);
    }
    const wanted = messages.map((message) => {
      const fresh = messageElement(message);
      return existing.get(fresh.signature) ?? fresh;
    });
    keepPinned(() => {
      let cursor = root.firstChild;
      for (const node of wanted) {
        if (node === cursor) {
          cursor = cursor.nextSibling;
          continue;
        }
        root.insertBefore(node, cursor);
      }
      while (cursor) {
        const next = cursor.nextSibling;
        cursor.remove();
        cursor = next;
      }
    });
    if (messages.length === 0) showPlaceholder('Ask anything about this notebook’s sources and notes.');
  }

  function showPlaceholder(text) {
    clear();
    root.appendChild(h('p', { class: 'conversation-empty', text }));
  }

  function clear() {
    typing = null;
    root.replaceChildren();
  }

  function removePlaceholder() {
    for (const el of root.querySelectorAll('.conversation-empty')) el.remove();
  }

  /** The user's message, shown at once while the request is on its way. */
  function addPendingHuman(text) {
    removePlaceholder();
    const row = messageElement({ type: 'human', content: text, status: 'sending' });
    root.appendChild(row);
    scrollToEnd();
    return {
      element: row,
      setStatus: (status) => setBadge(row, status),
      remove: () => row.remove(),
    };
  }

  function showTyping() {
    if (typing) return;
    removePlaceholder();
    typing = h(
      'div',
      { class: 'typing', 'data-testid': 'typing', role: 'status' },
      h('span', { class: 'visually-hidden', text: 'The assistant is writing an answer…' }),
      h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'typing-dot', 'aria-hidden': 'true' }),
    );
    keepPinned(() => root.appendChild(typing));
  }

  function hideTyping() {
    if (typing) typing.remove();
    typing = null;
  }

  /**
   * Creates the bubble an answer streams into. Appended text is rendered at most once per
   * animation frame; when rendering gets slow (a very long answer) frames are skipped so the
   * page stays responsive.
   */
  function startAnswer() {
    hideTyping();
    removePlaceholder();
    const body = h('div', {
      class: 'message message--ai is-streaming',
      'data-testid': 'ai-streaming',
      'data-type': 'ai',
      'data-status': 'streaming',
      'aria-busy': 'true',
    });
    const el = h(
      'div',
      { class: 'message-row message-row--ai' },
      body,
      h('div', { class: 'message-meta' }, h('span', { class: 'message-author', text: 'Assistant' }), h('span', { text: 'writing…' })),
    );
    keepPinned(() => root.appendChild(el));

    let text = '';
    let frame = 0;
    let lastRender = 0;
    let renderCost = 0;
    let done = false;

    function paint() {
      frame = 0;
      if (done) return;
      const started = performance.now();
      if (started - lastRender < renderCost * 4) {
        frame = requestAnimationFrame(paint);
        return;
      }
      keepPinned(() => body.replaceChildren(renderMarkdown(text)));
      lastRender = performance.now();
      renderCost = lastRender - started;
    }

    function schedule() {
      if (!frame && !done) frame = requestAnimationFrame(paint);
    }

    return {
      element: el,
      get text() {
        return text;
      },
      append(chunk) {
        text += chunk;
        schedule();
      },
      /** Replaces the text (the server's final content). */
      setText(full) {
        text = full;
        schedule();
      },
      /** Ends streaming here and leaves a plain message with the given status (and citations, if any). */
      finish(status, citations = []) {
        done = true;
        if (frame) cancelAnimationFrame(frame);
        const message = messageElement({ type: 'ai', content: text, status, citations });
        el.replaceWith(message);
        return message;
      },
      remove() {
        done = true;
        if (frame) cancelAnimationFrame(frame);
        el.remove();
      },
    };
  }

  /** A visible error note in the conversation. */
  function showError(message) {
    hideTyping();
    const el = h(
      'div',
      { class: 'conversation-error', 'data-testid': 'error-message' },
      h('strong', { text: 'The answer could not be completed. ' }),
      h('span', { text: message }),
    );
    keepPinned(() => root.appendChild(el));
    return el;
  }

  return { render, clear, showPlaceholder, addPendingHuman, showTyping, hideTyping, startAnswer, showError, scrollToEnd };
}
