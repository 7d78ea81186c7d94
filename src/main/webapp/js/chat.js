// Chat: the notebook's sessions, the conversation, the model picker and the message box,
// and the streamed turn between them.
//
// What the user sees during a turn: their message at once; a typing indicator until the
// first token; the answer growing in its own bubble; a Stop button. When the turn ends, the
// stored conversation is fetched and shown as the server saved it.

import { $, h, iconButton, inlineRename } from './dom.js';
import { toast, announce } from './toast.js';
import { createConversation } from './conversation.js';
import { runTurn } from './turn.js';
import { citationsOf, withEventCitations } from './citations.js';

export const MAX_MESSAGE = 32_000;
const STOP_GRACE_MS = 10_000; // after a stop request, how long the stream may take to end
const NO_KEY_PROVIDERS = new Set(['local', 'ollama']);

/**
 * @param {object} deps
 * @param {ReturnType<import('./api.js').createApi>} deps.api
 * @param {() => object} deps.contextConfig the context_config for the next turn
 * @param {(error: Error) => void} deps.onError shows a failed call
 * @param {() => void} deps.onSessionOpened (used on narrow screens to show the chat panel)
 * @param {(citation: object) => void} [deps.onCitation] opens a passage an answer cites
 */
export function createChat({ api, contextConfig, onError, onSessionOpened, onCitation }) {
  const conversation = createConversation($('conversation'), { onCitation });
  const sessionList = $('session-list');
  const picker = $('model-picker');
  const input = $('message-input');
  const sendButton = $('send');
  const stopButton = $('stop');
  const composer = $('composer');
  const title = $('chat-title');

  let notebookId = null;
  let sessions = [];
  let sessionId = null;
  let turn = null; // {sessionId, controller, stopping, started, stopTimer}
  let loadToken = 0; // the latest session load wins

  // --- sessions ------------------------------------------------------------------------------

  function byRecent(a, b) {
    return String(b.updated ?? '').localeCompare(String(a.updated ?? ''));
  }

  function sessionTitle(session) {
    return session.title && session.title.trim() ? session.title : 'New chat';
  }

  function renderSessions() {
    const rows = sessions.map((session) => {
      const selected = session.id === sessionId;
      const count = session.message_count ?? 0;
      return h(
        'li',
        { class: selected ? 'item is-selected' : 'item', 'data-testid': 'session-item', 'data-id': session.id },
        h(
          'button',
          {
            type: 'button',
            class: 'item-main',
            'aria-current': selected ? 'true' : null,
            onclick: () => openSession(session.id),
          },
          h('span', { class: 'item-title', text: sessionTitle(session) }),
          h('span', { class: 'item-sub', text: count === 1 ? '1 message' : `${count} messages` }),
        ),
        iconButton('pencil', `Rename chat ${sessionTitle(session)}`, (event) => startRename(event.currentTarget.closest('li'), session), {
          'data-testid': 'session-rename',
        }),
        iconButton('trash', `Delete chat ${sessionTitle(session)}`, () => deleteSession(session), {
          'data-testid': 'session-delete',
        }),
      );
    });
    sessionList.replaceChildren(...rows);
    $('session-empty').hidden = rows.length > 0 || !notebookId;
    const current = sessions.find((s) => s.id === sessionId);
    title.textContent = current ? sessionTitle(current) : notebookId ? 'New chat' : 'Chat';
  }

  function startRename(row, session) {
    inlineRename(row, {
      value: session.title ?? '',
      label: `New title for chat ${sessionTitle(session)}`,
      save: async (title) => {
        try {
          const updated = await api.renameSession(session.id, title);
          sessions = sessions.map((s) => (s.id === session.id ? { ...s, ...updated } : s));
        } catch (error) {
          onError(error);
        }
      },
      done: () => {
        renderSessions();
        focusSession(session.id);
      },
    });
  }

  function focusSession(id) {
    sessionList.querySelector(`li[data-id="${CSS.escape(id)}"] .item-main`)?.focus();
  }

  async function deleteSession(session) {
    if (!window.confirm(`Delete the chat “${sessionTitle(session)}” and its messages?`)) return;
    try {
      await api.deleteSession(session.id);
    } catch (error) {
      if (error.status !== 404) {
        onError(error);
        return;
      }
    }
    sessions = sessions.filter((s) => s.id !== session.id);
    announce(`Deleted “${sessionTitle(session)}”.`);
    if (session.id === sessionId) {
      detachTurn();
      sessionId = null;
      if (sessions.length) await openSession(sessions[0].id);
      else showNoSession();
    }
    renderSessions();
  }

  async function createSession() {
    if (!notebookId) return null;
    const body = { notebook_id: notebookId };
    if (picker.value) body.model_override = picker.value;
    const session = await api.createSession(body);
    sessions = [session, ...sessions.filter((s) => s.id !== session.id)];
    return session;
  }

  function showNoSession() {
    sessionId = null;
    conversation.showPlaceholder(
      notebookId ? 'Ask anything about this notebook’s sources and notes. A new chat starts with your first message.' : 'Choose or create a notebook to start chatting.',
    );
    renderSessions();
  }

  /** Opens a session: shows its stored conversation and follows a turn still running. */
  async function openSession(id, { focusInput = false } = {}) {
    if (id !== sessionId) detachTurn();
    sessionId = id;
    renderSessions();
    onSessionOpened?.();
    const mine = ++loadToken;
    let session;
    try {
      session = await api.getSession(id);
    } catch (error) {
      if (mine !== loadToken) return;
      if (error.status === 404) {
        sessions = sessions.filter((s) => s.id !== id);
        showNoSession();
      }
      onError(error);
      return;
    }
    if (mine !== loadToken) return;
    updateSession(session);
    setPicker(session.model_override ?? '');
    const messages = session.messages ?? [];
    const last = messages[messages.length - 1];
    if (last && last.status === 'streaming' && !turn) {
      // A turn is still running (started in another tab, or before a reload): follow it.
      const shown = last.type === 'ai' ? messages.slice(0, -1) : messages;
      conversation.render(shown);
      follow(id);
    } else {
      conversation.render(messages);
    }
    conversation.scrollToEnd();
    if (focusInput) input.focus();
  }

  function updateSession(session) {
    const { messages, ...summary } = session;
    if (messages) summary.message_count = messages.length;
    sessions = sessions.map((s) => (s.id === session.id ? { ...s, ...summary } : s));
    if (!sessions.some((s) => s.id === session.id)) sessions.unshift(summary);
    renderSessions();
  }

  /** Shows the conversation as saved; `completeEvent` lends its citations to an answer saved without them. */
  async function refreshConversation(id, completeEvent = null) {
    const session = await api.getSession(id);
    if (id !== sessionId) return;
    updateSession(session);
    conversation.render(withEventCitations(session.messages ?? [], completeEvent));
  }

  // --- models --------------------------------------------------------------------------------

  function setPicker(value) {
    if (value && ![...picker.options].some((o) => o.value === value)) {
      picker.appendChild(h('option', { value, text: value }));
    }
    picker.value = value;
  }

  async function loadModels() {
    let models = [];
    let providers = [];
    try {
      [models, providers] = await Promise.all([api.models(), api.providers()]);
    } catch (error) {
      onError(error);
    }
    const current = picker.value;
    const byProvider = new Map(providers.map((p) => [p.name, p]));
    const groups = new Map();
    for (const model of models) {
      const provider = model.provider ?? String(model.id).split('/')[0];
      if (!groups.has(provider)) groups.set(provider, []);
      groups.get(provider).push(model);
    }
    const order = [...providers.map((p) => p.name), ...groups.keys()].filter((name, i, all) => all.indexOf(name) === i);
    const options = [h('option', { value: '', text: 'Default model' })];
    for (const name of order) {
      const group = groups.get(name);
      if (!group) continue;
      const provider = byProvider.get(name);
      const available = provider ? provider.available !== false : true;
      const label = (provider?.display_name || name) + (available ? '' : ' — no key');
      options.push(
        h(
          'optgroup',
          { label, 'data-provider': name, 'data-available': String(available) },
          group.map((model) =>
            h('option', {
              value: model.id,
              text: available ? model.name || model.id : `${model.name || model.id} (needs a key)`,
              'data-available': String(available),
            }),
          ),
        ),
      );
    }
    picker.replaceChildren(...options);
    setPicker(current);
    return providers;
  }

  // --- sending and streaming -----------------------------------------------------------------

  function setStreaming(streaming) {
    stopButton.hidden = !streaming;
    stopButton.disabled = false;
    stopButton.textContent = 'Stop';
    sendButton.disabled = streaming;
    composer.dataset.streaming = String(streaming);
    if (!streaming && (document.activeElement === stopButton || document.activeElement === document.body)) {
      input.focus();
    }
  }

  /** Ends this page's part in the running turn (the server finishes it and saves it). */
  function detachTurn() {
    if (!turn) return;
    turn.detached = true;
    turn.controller.abort();
    clearTimeout(turn.stopTimer);
    turn = null;
    setStreaming(false);
  }

  /**
   * Streams a turn into the conversation.
   * @param {object} options
   * @param {string} options.id the session
   * @param {(signal: AbortSignal) => Promise<Response>} options.open
   * @param {object} [options.pending] the user's pending message (absent when following)
   * @returns {Promise<object>} how it ended: a runTurn result, or {outcome: 'refused', error}
   */
  async function stream({ id, open, pending }) {
    const controller = new AbortController();
    const current = { sessionId: id, controller, stopping: false, started: false, stopTimer: 0, detached: false };
    turn = current;
    setStreaming(true);
    conversation.showTyping();
    let answer = null;
    const live = () => !current.detached && sessionId === id;

    let result;
    try {
      result = await runTurn({
        open: () => open(controller.signal),
        resume: (lastEventId) => api.followStream(id, lastEventId, controller.signal),
        signal: controller.signal,
        onEvent: (event) => {
          current.started = true;
          if (!live()) return;
          if (event.type === 'user_message') {
            pending?.setStatus('complete');
          } else if (event.type === 'token' && event.content) {
            if (!answer) answer = conversation.startAnswer();
            answer.append(event.content);
          } else if (event.type === 'ai_message_complete') {
            if (!answer && event.content) answer = conversation.startAnswer();
            answer?.setText(event.content ?? '');
          }
        },
      });
    } catch (error) {
      result = error.name === 'AbortError' ? { outcome: 'aborted', lastEventId: '' } : { outcome: 'refused', error };
    } finally {
      clearTimeout(current.stopTimer);
      if (turn === current) {
        turn = null;
        setStreaming(false);
      }
    }
    if (!live()) return result;

    conversation.hideTyping();
    if (result.outcome === 'aborted') {
      // Stopped here without the server's help: keep what arrived.
      if (answer) answer.finish('stopped');
      else if (pending) pending.setStatus(current.started ? 'complete' : 'stopped');
      return result;
    }
    if (result.outcome === 'refused') {
      answer?.remove();
      return result;
    }
    // complete, error or lost: show the conversation as the server saved it.
    const completeEvent = result.outcome === 'complete' ? result.event : null;
    try {
      await refreshConversation(id, completeEvent);
    } catch (error) {
      if (error.status === 401) return result;
      if (answer) {
        answer.finish(
          result.outcome === 'complete' ? (result.finishReason === 'stopped' ? 'stopped' : 'complete') : 'error',
          citationsOf(completeEvent),
        );
      }
    }
    if (result.outcome === 'error') {
      conversation.showError(result.message);
      toast(result.message, 'error');
    } else if (result.outcome === 'lost') {
      const message = 'The connection was lost before the answer finished. The server keeps working on it: open this chat again in a moment to see it.';
      conversation.showError(message);
      toast(message, 'error');
    }
    return result;
  }

  let sending = false; // from Send until the turn's stream is open (a new chat is created first)

  async function send() {
    if (turn || sending) return;
    sending = true;
    try {
      await sendMessage(input.value);
    } finally {
      sending = false;
    }
  }

  async function sendMessage(text) {
    if (!text.trim()) {
      input.focus();
      return;
    }
    if (text.length > MAX_MESSAGE) {
      toast(`A message holds at most ${MAX_MESSAGE.toLocaleString()} characters; this one has ${text.length.toLocaleString()}.`, 'error');
      return;
    }
    if (!notebookId) {
      toast('Choose or create a notebook first.', 'error');
      return;
    }

    input.value = '';
    input.focus();
    const pending = conversation.addPendingHuman(text);
    const restoreInput = () => {
      if (!input.value) input.value = text;
    };

    let id = sessionId;
    if (!id) {
      try {
        conversation.showTyping();
        const session = await createSession();
        if (notebookId !== session.notebook_id) return;
        id = sessionId = session.id;
        renderSessions();
      } catch (error) {
        conversation.hideTyping();
        pending.setStatus('error');
        restoreInput();
        if (error.status !== 401) {
          conversation.showError(error.message);
          toast(error.message, 'error');
        }
        return;
      }
    }

    const body = { session_id: id, message: text, context_config: contextConfig() };
    if (picker.value) body.model_override = picker.value;

    const result = await stream({ id, open: (signal) => api.executeStream(body, signal), pending });
    if (result.outcome !== 'refused' || sessionId !== id) return;

    // Refused before the stream started: nothing was saved.
    const { error } = result;
    conversation.hideTyping();
    restoreInput();
    if (error.status === 401) return; // the sign-in page takes over
    if (error.status === 409) {
      // Another tab's turn is running in this chat: say so, and show that turn as it goes.
      pending.remove();
      toast(error.message || 'An answer is still being written in this chat. Wait for it, or stop it first.', 'error');
      await openSession(id);
      return;
    }
    pending.setStatus('error');
    conversation.showError(error.message);
    toast(error.message, 'error');
  }

  /** Follows a turn that was already running when the session was opened. */
  async function follow(id) {
    const result = await stream({ id, open: (signal) => api.followStream(id, '', signal) });
    if (result.outcome === 'refused' && sessionId === id) {
      // No way to follow it (404/405 from an older server): show what is stored.
      try {
        await refreshConversation(id);
      } catch (error) {
        onError(error);
      }
    }
  }

  async function stop() {
    const current = turn;
    if (!current || current.stopping) return;
    current.stopping = true;
    stopButton.disabled = true;
    stopButton.textContent = 'Stopping…';
    try {
      await api.stopTurn(current.sessionId);
      // Accepted: the stream ends by itself with the partial answer. Should it not, let go.
      current.stopTimer = setTimeout(() => current.controller.abort(), STOP_GRACE_MS);
    } catch (error) {
      if (error.status === 401) return;
      if (error.status === 409 && current.started) return; // it is finishing already
      // 404/405: the server cannot stop turns, so stop listening to this one.
      current.controller.abort();
    }
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      send();
    }
  });
  stopButton.addEventListener('click', () => stop());
  $('session-create').addEventListener('click', async () => {
    if (!notebookId) return;
    try {
      detachTurn();
      const session = await createSession();
      await openSession(session.id, { focusInput: true });
    } catch (error) {
      onError(error);
    }
  });

  return {
    loadModels,
    detachTurn,

    /** Shows the chats of a notebook (null: none selected) and opens the most recent one. */
    async load(id) {
      detachTurn();
      notebookId = id;
      sessions = [];
      sessionId = null;
      loadToken++;
      input.disabled = !id;
      sendButton.disabled = !id;
      $('session-create').disabled = !id;
      showNoSession();
      if (!id) return;
      const mine = loadToken;
      try {
        const list = await api.listSessions(id);
        if (mine !== loadToken || id !== notebookId) return;
        sessions = [...list].sort(byRecent);
      } catch (error) {
        onError(error);
      }
      renderSessions();
      if (sessions.length && mine === loadToken) await openSession(sessions[0].id);
    },

    providersWithoutKey: NO_KEY_PROVIDERS,
  };
}
