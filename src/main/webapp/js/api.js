// The client of the Notebook Chat HTTP API (see the API contract). Every URL is relative,
// so the page works under any context root.
//
// The bearer token lives in sessionStorage: it lasts as long as the tab, is never sent
// automatically the way a cookie would be, and is gone when the tab closes.

const TOKEN_KEY = 'notebookchat.token';

const FALLBACK_MESSAGES = {
  0: 'Cannot reach the server. Check the connection and try again.',
  400: 'The server could not accept that request.',
  401: 'Please sign in again.',
  404: 'That item no longer exists.',
  405: 'The server does not support this action.',
  409: 'That conflicts with something already in progress.',
  413: 'That is too large for the server.',
  503: 'The service is unavailable right now. Try again in a moment.',
};

/** A failed API call: `status` is the HTTP status (0 when the server was not reached). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Reads the `{error, message}` body of a failed response into an ApiError. */
export async function errorFrom(response) {
  let code = 'http_' + response.status;
  let message = '';
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') code = body.error;
    if (body && typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON (a proxy's error page, say): fall back to a message of our own.
  }
  if (!message) {
    message = FALLBACK_MESSAGES[response.status] ?? `The server answered ${response.status}.`;
  }
  return new ApiError(response.status, code, message);
}

const enc = encodeURIComponent;

/**
 * @param {object} [options]
 * @param {typeof fetch} [options.fetch]
 * @param {Storage} [options.storage] where the token is kept (sessionStorage)
 * @param {(error: ApiError) => void} [options.onUnauthorized] called on every 401
 */
export function createApi(options = {}) {
  const doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  const storage = options.storage ?? globalThis.sessionStorage;
  const onUnauthorized = options.onUnauthorized ?? (() => {});

  const token = {
    get: () => storage.getItem(TOKEN_KEY),
    set: (value) => storage.setItem(TOKEN_KEY, value),
    clear: () => storage.removeItem(TOKEN_KEY),
  };

  /** Sends a request; resolves with the Response when it is 2xx, else throws ApiError. */
  async function send(method, path, { body, signal, headers = {}, auth = true } = {}) {
    const all = { Accept: 'application/json', ...headers };
    if (body !== undefined) all['Content-Type'] = 'application/json';
    const bearer = token.get();
    if (auth && bearer) all.Authorization = 'Bearer ' + bearer;
    let response;
    try {
      response = await doFetch(path, {
        method,
        headers: all,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (error && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', FALLBACK_MESSAGES[0]);
    }
    if (response.ok) return response;
    const error = await errorFrom(response);
    if (error.status === 401 && auth) onUnauthorized(error);
    throw error;
  }

  /** Sends a request and reads the JSON answer (null for 204 No Content). */
  async function json(method, path, options) {
    const response = await send(method, path, options);
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  return {
    token,
    send,

    /** Which sign-in this server offers: {dev_login, oidc: {issuer, client_id} | null}. */
    authConfig: () => json('GET', 'api/auth/config', { auth: false }),

    devToken: (username) =>
      json('POST', 'api/auth/dev-token', { body: { username }, auth: false }),

    listNotebooks: () => json('GET', 'api/notebooks'),
    createNotebook: (name) => json('POST', 'api/notebooks', { body: { name } }),
    renameNotebook: (id, name) => json('PUT', `api/notebooks/${enc(id)}`, { body: { name } }),
    deleteNotebook: (id) => json('DELETE', `api/notebooks/${enc(id)}`),

    listSources: (notebookId) => json('GET', `api/notebooks/${enc(notebookId)}/sources`),
    addSource: (notebookId, source) => json('POST', `api/notebooks/${enc(notebookId)}/sources`, { body: source }),
    getSource: (id) => json('GET', `api/sources/${enc(id)}`),
    deleteSource: (id) => json('DELETE', `api/sources/${enc(id)}`),

    listNotes: (notebookId) => json('GET', `api/notebooks/${enc(notebookId)}/notes`),
    addNote: (notebookId, note) => json('POST', `api/notebooks/${enc(notebookId)}/notes`, { body: note }),
    getNote: (id) => json('GET', `api/notes/${enc(id)}`),
    deleteNote: (id) => json('DELETE', `api/notes/${enc(id)}`),

    listSessions: (notebookId) => json('GET', `api/chat/sessions?notebook_id=${enc(notebookId)}`),
    createSession: (session) => json('POST', 'api/chat/sessions', { body: session }),
    getSession: (id, signal) => json('GET', `api/chat/sessions/${enc(id)}`, { signal }),
    renameSession: (id, title) => json('PUT', `api/chat/sessions/${enc(id)}`, { body: { title } }),
    deleteSession: (id) => json('DELETE', `api/chat/sessions/${enc(id)}`),

    context: (notebookId, contextConfig, signal) =>
      json('POST', 'api/chat/context', { body: { notebook_id: notebookId, context_config: contextConfig }, signal }),

    models: () => json('GET', 'api/models'),
    providers: () => json('GET', 'api/models/providers'),

    credentials: () => json('GET', 'api/credentials'),
    saveCredential: (provider, apiKey) =>
      json('PUT', `api/credentials/${enc(provider)}`, { body: { api_key: apiKey } }),
    deleteCredential: (provider) => json('DELETE', `api/credentials/${enc(provider)}`),

    /** Starts a turn; resolves with the event-stream Response once the server accepted it. */
    executeStream: (body, signal) =>
      send('POST', 'api/chat/execute/stream', { body, signal, headers: { Accept: 'text/event-stream' } }),

    /** Follows (or replays) the session's latest turn, after the given event id if any. */
    followStream: (sessionId, lastEventId, signal) =>
      send('GET', `api/chat/sessions/${enc(sessionId)}/stream`, {
        signal,
        headers: {
          Accept: 'text/event-stream',
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        },
      }),

    stopTurn: (sessionId) => json('POST', `api/chat/sessions/${enc(sessionId)}/stop`),
  };
}

/** The claims of a JWT, for display only (the server verifies the token, not us); null if unreadable. */
function claimsOf(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** The `sub` of a JWT, for display only. */
export function subjectOf(jwt) {
  const claims = claimsOf(jwt);
  return typeof claims?.sub === 'string' ? claims.sub : null;
}

/** What to call the signed-in user: `preferred_username`, else `name`, else `sub` (as the server does). */
export function displayNameOf(jwt) {
  const claims = claimsOf(jwt);
  for (const claim of ['preferred_username', 'name', 'sub']) {
    if (typeof claims?.[claim] === 'string' && claims[claim].trim()) return claims[claim];
  }
  return null;
}
