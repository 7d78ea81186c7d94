// The page: sign-in, then notebooks on the left, their sources and notes in the middle and
// the chat on the right (one panel at a time on a phone).

import { createApi, displayNameOf } from './api.js';
import { createOidc } from './oidc.js';
import { $, h, iconButton, inlineRename } from './dom.js';
import { toast, announce } from './toast.js';
import { createSignIn } from './auth.js';
import { createLibrary } from './library.js';
import { createChat } from './chat.js';
import { createSettings } from './settings.js';
import { citationTarget } from './citations.js';

const SELECTED_NOTEBOOK = 'notebookchat.notebook';

let signedIn = false;

const api = createApi({
  onUnauthorized: () => {
    if (!signedIn && !api.token.get()) return;
    signOut(
      signedIn
        ? 'Your sign-in has expired. Please sign in again.'
        : 'The server did not accept that sign-in. Please sign in again.',
    );
  },
});

/** Shows a failed call: 401 is handled by the sign-in page, anything else is a toast. */
function showError(error) {
  if (error?.status === 401) return;
  if (error?.name === 'AbortError') return;
  console.error(error);
  toast(error?.message || 'Something went wrong.', 'error');
}

/** What the server offers for signing in, once asked; the OpenID Connect client when it names a provider. */
let signInConfig = null;
let oidc = null;

const signIn = createSignIn({
  api,
  onSignedIn: () => enter(),
  config: () => signInConfig,
  onOidc: () => oidc.signIn(),
});
const library = createLibrary({ api, onError: showError });
const chat = createChat({
  api,
  contextConfig: () => library.contextConfig(),
  onError: showError,
  onSessionOpened: () => showPanel('chat'),
  onCitation: (citation) => library.showCitation(citationTarget(citation), citation),
});
const settings = createSettings({ api, onError: showError, onKeysChanged: () => chat.loadModels() });

// --- notebooks -------------------------------------------------------------------------------

let notebooks = [];
let notebookId = null;

function renderNotebooks() {
  const rows = notebooks.map((notebook) => {
    const selected = notebook.id === notebookId;
    return h(
      'li',
      { class: selected ? 'item is-selected' : 'item', 'data-testid': 'notebook-item', 'data-id': notebook.id },
      h('button', {
        type: 'button',
        class: 'item-main',
        text: notebook.name,
        'aria-current': selected ? 'true' : null,
        onclick: () => selectNotebook(notebook.id),
      }),
      iconButton('pencil', `Rename notebook ${notebook.name}`, (event) => startRename(event.currentTarget.closest('li'), notebook), {
        'data-testid': 'notebook-rename',
      }),
      iconButton('trash', `Delete notebook ${notebook.name}`, () => deleteNotebook(notebook), {
        'data-testid': 'notebook-delete',
      }),
    );
  });
  $('notebook-list').replaceChildren(...rows);
  $('notebook-empty').hidden = rows.length > 0;
  const current = notebooks.find((n) => n.id === notebookId);
  $('library-heading').textContent = current ? current.name : 'Sources and notes';
}

function focusNotebook(id) {
  document.querySelector(`#notebook-list li[data-id="${CSS.escape(id)}"] .item-main`)?.focus();
}

function startRename(row, notebook) {
  inlineRename(row, {
    value: notebook.name,
    label: `New name for notebook ${notebook.name}`,
    save: async (name) => {
      try {
        const updated = await api.renameNotebook(notebook.id, name);
        notebooks = notebooks.map((n) => (n.id === notebook.id ? { ...n, ...updated } : n));
      } catch (error) {
        showError(error);
      }
    },
    done: () => {
      renderNotebooks();
      focusNotebook(notebook.id);
    },
  });
}

async function deleteNotebook(notebook) {
  if (!window.confirm(`Delete the notebook “${notebook.name}” with all its sources, notes and chats?`)) return;
  try {
    await api.deleteNotebook(notebook.id);
  } catch (error) {
    if (error.status !== 404) {
      showError(error);
      return;
    }
  }
  notebooks = notebooks.filter((n) => n.id !== notebook.id);
  announce(`Deleted “${notebook.name}”.`);
  if (notebook.id === notebookId) await selectNotebook(notebooks[0]?.id ?? null);
  else renderNotebooks();
}

async function selectNotebook(id) {
  if (id === notebookId && id !== null) {
    showPanel('library');
    return;
  }
  notebookId = id;
  if (id) sessionStorage.setItem(SELECTED_NOTEBOOK, id);
  else sessionStorage.removeItem(SELECTED_NOTEBOOK);
  renderNotebooks();
  $('app').dataset.notebook = id ? 'selected' : 'none';
  await Promise.all([library.load(id), chat.load(id)]);
}

$('notebook-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = $('notebook-name');
  const name = field.value.trim();
  if (!name) {
    field.focus();
    return;
  }
  const button = $('notebook-create');
  button.disabled = true;
  try {
    const created = await api.createNotebook(name);
    notebooks.push(created);
    field.value = '';
    await selectNotebook(created.id);
    focusNotebook(created.id);
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
});

// --- panels on narrow screens ----------------------------------------------------------------

function showPanel(name) {
  $('workspace').dataset.view = name;
  for (const tab of document.querySelectorAll('.tabs [data-view]')) {
    tab.setAttribute('aria-pressed', String(tab.dataset.view === name));
  }
}

for (const tab of document.querySelectorAll('.tabs [data-view]')) {
  tab.addEventListener('click', () => showPanel(tab.dataset.view));
}

// --- signing in and out ----------------------------------------------------------------------

async function enter() {
  let list;
  try {
    list = await api.listNotebooks(); // also tells whether the token is accepted
  } catch (error) {
    if (error.status !== 401) signIn.show(error.message);
    return;
  }
  signedIn = true;
  signIn.hide();
  $('app').hidden = false;
  $('user-name').textContent = displayNameOf(api.token.get()) ?? '';
  notebooks = list;
  const remembered = sessionStorage.getItem(SELECTED_NOTEBOOK);
  const first = notebooks.find((n) => n.id === remembered) ?? notebooks[0];
  notebookId = undefined;
  showPanel(first ? 'chat' : 'notebooks');
  await Promise.all([chat.loadModels(), selectNotebook(first?.id ?? null)]);
}

function signOut(message = '', kind = 'error') {
  signedIn = false;
  chat.detachTurn();
  settings.close();
  api.token.clear();
  oidc?.forget();
  sessionStorage.removeItem(SELECTED_NOTEBOOK);
  notebooks = [];
  notebookId = null;
  $('app').hidden = true;
  $('toasts').replaceChildren();
  signIn.show(message, kind);
}

$('sign-out').addEventListener('click', async () => {
  if (oidc?.hasSession()) {
    chat.detachTurn();
    sessionStorage.removeItem(SELECTED_NOTEBOOK);
    // ends the session at the provider too, which sends the browser back here signed out
    if (await oidc.signOut().catch(() => false)) return;
  }
  signOut('You have signed out.', 'info');
});

async function start() {
  try {
    signInConfig = await api.authConfig();
  } catch {
    signInConfig = null; // an older server: the sign-in page finds out by trying
  }
  if (signInConfig?.oidc) {
    oidc = createOidc({
      config: signInConfig.oidc,
      token: api.token,
      onExpired: () => signOut('Your sign-in has expired. Please sign in again.'),
    });
    try {
      if (await oidc.completeSignIn()) {
        await enter();
        return;
      }
    } catch (error) {
      signIn.show(error.message);
      return;
    }
    oidc.resume();
  }
  if (api.token.get()) enter();
  else signIn.show();
}

start();
