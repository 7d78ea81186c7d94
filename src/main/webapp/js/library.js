// The notebook's sources and notes: adding (typed or read from a .txt/.md file in the
// browser), viewing (at a cited passage, marked), deleting, how much of each goes into the
// chat's context, and how far the server has got indexing each into passages.

import { $, h, iconButton, formatNumber, formatDateTime } from './dom.js';
import { toast, announce } from './toast.js';
import { STATUS_LABELS, STATUS_POLL_MS, indexingUnderway, splitAtPassage } from './citations.js';

export const MAX_TITLE = 200;
export const MAX_CONTENT = 2_000_000;

const KINDS = {
  sources: {
    singular: 'source',
    levels: [
      ['not in', 'Not in context'],
      ['summary', 'Summary'],
      ['full content', 'Full content'],
    ],
    defaultLevel: 'summary',
  },
  notes: {
    singular: 'note',
    levels: [
      ['not in', 'Not in context'],
      ['full content', 'Full content'],
    ],
    defaultLevel: 'full content',
  },
};

const levelsKey = (notebookId) => 'notebookchat.context.' + notebookId;

/**
 * @param {object} deps
 * @param {ReturnType<import('./api.js').createApi>} deps.api
 * @param {(error: Error) => void} deps.onError shows a failed call
 */
export function createLibrary({ api, onError }) {
  let notebookId = null;
  const items = { sources: [], notes: [] };
  let levels = { sources: {}, notes: {} };
  let contextTimer = 0;
  let contextRequest = null;
  let statusTimer = 0;
  const sizeLine = $('context-size');

  const viewer = $('viewer');
  $('viewer-close').addEventListener('click', () => viewer.close());

  // --- forms -------------------------------------------------------------------------------

  for (const kind of Object.keys(KINDS)) {
    const { singular } = KINDS[kind];
    const form = $(`${singular}-form`);
    const title = $(`${singular}-title`);
    const content = $(`${singular}-content`);
    const file = $(`${singular}-file`);
    const submit = $(`${singular}-add`);

    file.addEventListener('change', async () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      if (!/\.(txt|md|markdown)$/i.test(chosen.name)) {
        toast('Choose a .txt or .md file.', 'error');
        file.value = '';
        return;
      }
      let text;
      try {
        text = await chosen.text();
      } catch {
        toast(`Could not read ${chosen.name}.`, 'error');
        return;
      }
      if (text.length > MAX_CONTENT) {
        toast(`${chosen.name} is too long: a ${singular} holds at most ${formatNumber(MAX_CONTENT)} characters.`, 'error');
        file.value = '';
        return;
      }
      content.value = text;
      if (!title.value.trim()) title.value = chosen.name.slice(0, MAX_TITLE);
      title.focus();
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!notebookId) return;
      const item = { title: title.value.trim(), content: content.value };
      if (!item.title) {
        toast(`Give the ${singular} a title.`, 'error');
        title.focus();
        return;
      }
      if (!item.content.trim()) {
        toast(`The ${singular} has no text yet: type it or choose a file.`, 'error');
        content.focus();
        return;
      }
      submit.disabled = true;
      const forNotebook = notebookId;
      try {
        const created = kind === 'sources' ? await api.addSource(forNotebook, item) : await api.addNote(forNotebook, item);
        if (forNotebook !== notebookId) return;
        items[kind].push(created);
        renderList(kind);
        form.reset();
        announce(`Added “${created.title}”.`);
        title.focus();
        updateContextSize();
        watchIndexing();
      } catch (error) {
        onError(error);
      } finally {
        submit.disabled = false;
      }
    });
  }

  // --- lists -------------------------------------------------------------------------------

  function levelOf(kind, id) {
    return levels[kind][id] ?? KINDS[kind].defaultLevel;
  }

  function renderList(kind) {
    const { singular, levels: options } = KINDS[kind];
    const list = $(`${singular}-list`);
    const rows = items[kind].map((item) => {
      const select = h(
        'select',
        {
          class: 'level-select',
          'aria-label': `Context level for ${item.title}`,
          title: 'How much of it the chat sees',
          'data-testid': `${singular}-level`,
          onchange: (event) => {
            levels[kind][item.id] = event.target.value;
            saveLevels();
            row.dataset.level = event.target.value;
            updateContextSize();
          },
        },
        options.map(([value, label]) => h('option', { value, text: label })),
      );
      select.value = levelOf(kind, item.id);
      const row = h(
        'li',
        { class: 'item', 'data-testid': `${singular}-item`, 'data-id': item.id, 'data-level': select.value },
        h('button', {
          type: 'button',
          class: 'item-main',
          text: item.title,
          title: `View ${item.title}`,
          onclick: () => view(kind, item.id, item),
        }),
        statusBadge(singular, item),
        select,
        iconButton('trash', `Delete ${singular} ${item.title}`, () => remove(kind, item), {
          'data-testid': `${singular}-delete`,
        }),
      );
      return row;
    });
    list.replaceChildren(...rows);
    $(`${singular}-empty`).hidden = rows.length > 0;
    $(`${kind}-count`).textContent = rows.length ? `(${rows.length})` : '';
  }

  /** The indexing status as a small badge; none from a server that does not report it. */
  function statusBadge(singular, item) {
    if (typeof item.status !== 'string') return null;
    const label = STATUS_LABELS[item.status] ?? item.status;
    return h('span', {
      class: `badge badge--index badge--${item.status}`,
      'data-testid': `${singular}-status`,
      'data-status': item.status,
      title: item.status === 'failed' ? 'Its passages could not be indexed, so questions cannot search them' : `Passages: ${label}`,
      text: label,
    });
  }

  /**
   * Asks for the lists again every few seconds while an item is still waiting for or in indexing,
   * and updates the badges; the rows stay (an open level menu is not closed under the user).
   */
  function watchIndexing() {
    clearTimeout(statusTimer);
    statusTimer = 0;
    if (!notebookId || !(indexingUnderway(items.sources) || indexingUnderway(items.notes))) return;
    const forNotebook = notebookId;
    statusTimer = setTimeout(async () => {
      statusTimer = 0;
      let sources;
      let notes;
      try {
        [sources, notes] = await Promise.all([api.listSources(forNotebook), api.listNotes(forNotebook)]);
      } catch (error) {
        if (error.status === 401 || forNotebook !== notebookId) return;
        watchIndexing(); // a passing failure: the items are still indexing as far as we know
        return;
      }
      if (forNotebook !== notebookId) return;
      refreshStatuses('sources', sources);
      refreshStatuses('notes', notes);
      watchIndexing();
    }, STATUS_POLL_MS);
  }

  function refreshStatuses(kind, fresh) {
    const { singular } = KINDS[kind];
    const sameRows = fresh.length === items[kind].length && fresh.every((item, i) => item.id === items[kind][i].id);
    items[kind] = fresh;
    if (!sameRows) {
      renderList(kind);
      updateContextSize();
      return;
    }
    const list = $(`${singular}-list`);
    for (const item of fresh) {
      const row = list.querySelector(`li[data-id="${CSS.escape(item.id)}"]`);
      const old = row?.querySelector(`[data-testid="${singular}-status"]`);
      if (!row || (old?.dataset.status ?? null) === (item.status ?? null)) continue;
      const badge = statusBadge(singular, item);
      if (old && badge) old.replaceWith(badge);
      else if (old) old.remove();
      else if (badge) row.querySelector('.item-main').after(badge);
    }
  }

  /**
   * Opens an item in the viewer. With a passage (a citation's text), that passage is marked and
   * scrolled into view; `listed` is what the list had, shown when the item cannot be fetched.
   */
  async function view(kind, id, listed, { passage = null, number = null } = {}) {
    const singular = KINDS[kind].singular;
    let full = listed;
    try {
      full = kind === 'sources' ? await api.getSource(id) : await api.getNote(id);
    } catch (error) {
      if (error.status === 401) return;
      if (!full) {
        if (error.status === 404) toast(`That ${singular} no longer exists.`, 'error');
        else onError(error);
        return;
      }
      // Show what the list had.
    }
    const content = full.content ?? '';
    const parts = passage === null ? null : splitAtPassage(content, passage);
    $('viewer-title').textContent = full.title;
    $('viewer-meta').textContent = [
      singular === 'source' ? 'Source' : 'Note',
      formatDateTime(full.updated || full.created),
      passage === null ? '' : parts ? (number ? `passage ${number} marked` : 'passage marked') : 'the cited passage is no longer in it',
    ]
      .filter(Boolean)
      .join(' · ');
    const summary = $('viewer-summary');
    summary.hidden = !full.summary;
    $('viewer-summary-text').textContent = full.summary ?? '';
    const body = $('viewer-content');
    let mark = null;
    if (parts) {
      mark = h('mark', { class: 'passage', 'data-testid': 'viewer-passage', text: parts.passage });
      body.replaceChildren(document.createTextNode(parts.before), mark, document.createTextNode(parts.after));
    } else {
      body.textContent = content;
    }
    if (!viewer.open) viewer.showModal();
    body.scrollTop = 0;
    mark?.scrollIntoView({ block: 'center' });
  }

  async function remove(kind, item) {
    const { singular } = KINDS[kind];
    if (!window.confirm(`Delete the ${singular} “${item.title}”?`)) return;
    try {
      if (kind === 'sources') await api.deleteSource(item.id);
      else await api.deleteNote(item.id);
    } catch (error) {
      if (error.status !== 404) {
        onError(error);
        return;
      }
    }
    items[kind] = items[kind].filter((other) => other.id !== item.id);
    delete levels[kind][item.id];
    saveLevels();
    renderList(kind);
    announce(`Deleted “${item.title}”.`);
    updateContextSize();
  }

  // --- context -----------------------------------------------------------------------------

  function saveLevels() {
    if (notebookId) sessionStorage.setItem(levelsKey(notebookId), JSON.stringify(levels));
  }

  function loadLevels(id) {
    try {
      const stored = JSON.parse(sessionStorage.getItem(levelsKey(id)) ?? 'null');
      if (stored && typeof stored === 'object') return { sources: { ...stored.sources }, notes: { ...stored.notes } };
    } catch {
      // unreadable: start over
    }
    return { sources: {}, notes: {} };
  }

  /** The context_config of a turn: every item of the notebook with its level. */
  function contextConfig() {
    const config = { sources: {}, notes: {} };
    for (const kind of Object.keys(KINDS)) {
      for (const item of items[kind]) config[kind][item.id] = levelOf(kind, item.id);
    }
    return config;
  }

  function updateContextSize() {
    clearTimeout(contextTimer);
    if (!notebookId) {
      sizeLine.textContent = '';
      return;
    }
    contextTimer = setTimeout(async () => {
      contextRequest?.abort();
      const request = new AbortController();
      contextRequest = request;
      sizeLine.dataset.state = 'loading';
      try {
        const answer = await api.context(notebookId, contextConfig(), request.signal);
        if (request.signal.aborted) return;
        sizeLine.textContent = `Context: about ${formatNumber(answer.token_count)} tokens · ${formatNumber(answer.char_count)} characters`;
        sizeLine.dataset.tokens = String(answer.token_count);
        sizeLine.dataset.chars = String(answer.char_count);
        sizeLine.dataset.state = 'ready';
      } catch (error) {
        if (error.name === 'AbortError') return;
        sizeLine.textContent = 'The context size is not available right now.';
        sizeLine.dataset.state = 'error';
      }
    }, 200);
  }

  return {
    contextConfig,

    /** Opens the source or note a citation names, its passage marked. */
    showCitation(target, citation) {
      return view(target.kind, target.id, null, { passage: citation.text, number: citation.passage ?? null });
    },

    /** Shows the sources and notes of a notebook (null: none selected). */
    async load(id) {
      notebookId = id;
      items.sources = [];
      items.notes = [];
      clearTimeout(statusTimer);
      statusTimer = 0;
      contextRequest?.abort();
      for (const form of [$('source-form'), $('note-form')]) form.reset();
      $('library-body').hidden = !id;
      $('library-none').hidden = Boolean(id);
      if (!id) {
        renderList('sources');
        renderList('notes');
        updateContextSize();
        return;
      }
      levels = loadLevels(id);
      try {
        const [sources, notes] = await Promise.all([api.listSources(id), api.listNotes(id)]);
        if (id !== notebookId) return;
        items.sources = sources;
        items.notes = notes;
      } catch (error) {
        onError(error);
      }
      renderList('sources');
      renderList('notes');
      updateContextSize();
      watchIndexing();
    },
  };
}
