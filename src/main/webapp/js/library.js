// The notebook's sources and notes: adding (typed or read from a .txt/.md file in the
// browser), viewing, deleting, and how much of each goes into the chat's context.

import { $, h, iconButton, formatNumber, formatDateTime } from './dom.js';
import { toast, announce } from './toast.js';

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
          onclick: () => view(kind, item),
        }),
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

  async function view(kind, item) {
    let full = item;
    try {
      full = kind === 'sources' ? await api.getSource(item.id) : await api.getNote(item.id);
    } catch (error) {
      if (error.status === 401) return;
      // Show what the list had.
    }
    $('viewer-title').textContent = full.title;
    $('viewer-meta').textContent = [KINDS[kind].singular === 'source' ? 'Source' : 'Note', formatDateTime(full.updated || full.created)]
      .filter(Boolean)
      .join(' · ');
    const summary = $('viewer-summary');
    summary.hidden = !full.summary;
    $('viewer-summary-text').textContent = full.summary ?? '';
    $('viewer-content').textContent = full.content ?? '';
    viewer.showModal();
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

    /** Shows the sources and notes of a notebook (null: none selected). */
    async load(id) {
      notebookId = id;
      items.sources = [];
      items.notes = [];
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
    },
  };
}
