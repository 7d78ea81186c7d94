// Sign-in at the organisation's identity provider: OpenID Connect authorization code flow with
// PKCE for a public client (no secret in a page), endpoints from the issuer's discovery document.
//
// The access token goes where every API call reads it (api.token), so a stream that resumes after a
// refresh sends the new one; a stream already open is not touched, since the server checked its token
// when it started. The refresh token and the id token (for signing out) stay in sessionStorage, like
// the access token: gone with the tab, never sent automatically.

const PENDING = 'notebookchat.oidc.pending'; // {state, verifier, redirectUri} while at the provider
const SESSION = 'notebookchat.oidc.session'; // {refreshToken, idToken, expiresAt, refreshedAt}

/** Refresh this long before the access token expires, so no call goes out with an expired one. */
const REFRESH_MARGIN_MS = 30_000;
/** ... but never sooner than this after the last one, for providers with very short tokens. */
const MIN_REFRESH_DELAY_MS = 5_000;

/** base64url without padding (RFC 7636 appendix A). */
export function base64Url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The S256 code challenge of a verifier. */
export async function codeChallenge(verifier, subtle = globalThis.crypto.subtle) {
  return base64Url(await subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

/** Why a sign-in at the provider failed, in words for the sign-in page. */
export class SignInError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * @param {object} deps
 * @param {{issuer: string, client_id: string, scope?: string}} deps.config from GET api/auth/config
 * @param {{get(): string|null, set(v: string): void, clear(): void}} deps.token where API calls read the access token
 * @param {typeof fetch} [deps.fetch]
 * @param {Storage} [deps.storage]
 * @param {{href: string, assign(url: string): void}} [deps.location]
 * @param {(url: string) => void} [deps.replaceUrl] drops the code from the address bar
 * @param {Crypto} [deps.crypto]
 * @param {() => number} [deps.now]
 * @param {typeof setTimeout} [deps.setTimeout]
 * @param {typeof clearTimeout} [deps.clearTimeout]
 * @param {() => void} [deps.onExpired] called when the session can no longer be refreshed
 */
export function createOidc(deps) {
  const { config, token } = deps;
  const doFetch = deps.fetch ?? ((...args) => globalThis.fetch(...args));
  const storage = deps.storage ?? globalThis.sessionStorage;
  const location = deps.location ?? globalThis.location;
  const replaceUrl = deps.replaceUrl ?? ((url) => globalThis.history.replaceState(null, '', url));
  const crypto = deps.crypto ?? globalThis.crypto;
  const now = deps.now ?? (() => Date.now());
  const schedule = deps.setTimeout ?? ((...args) => globalThis.setTimeout(...args));
  const cancel = deps.clearTimeout ?? ((...args) => globalThis.clearTimeout(...args));
  const onExpired = deps.onExpired ?? (() => {});
  const issuer = config.issuer.replace(/\/+$/, '');

  let discovery = null;
  let refreshTimer = null;

  async function endpoints() {
    if (discovery) return discovery;
    let response;
    try {
      response = await doFetch(issuer + '/.well-known/openid-configuration', { headers: { Accept: 'application/json' } });
    } catch {
      throw new SignInError('Cannot reach the sign-in service. Check the connection and try again.');
    }
    if (!response.ok) throw new SignInError(`The sign-in service answered ${response.status}.`);
    const document = await response.json();
    if (document.issuer !== issuer && document.issuer !== config.issuer) {
      throw new SignInError('The sign-in service names another issuer than this server trusts.');
    }
    discovery = document;
    return discovery;
  }

  function pageUrl() {
    const url = new URL(location.href);
    url.search = '';
    url.hash = '';
    return url.toString();
  }

  function randomText(bytes) {
    return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
  }

  function readJson(key) {
    try {
      return JSON.parse(storage.getItem(key) ?? 'null');
    } catch {
      return null;
    }
  }

  /** Goes to the provider's sign-in page. */
  async function signIn() {
    const { authorization_endpoint: authorize } = await endpoints();
    const verifier = randomText(32);
    const state = randomText(16);
    const redirectUri = pageUrl();
    storage.setItem(PENDING, JSON.stringify({ state, verifier, redirectUri }));
    const url = new URL(authorize);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', config.client_id);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', config.scope || 'openid profile');
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await codeChallenge(verifier, crypto.subtle));
    url.searchParams.set('code_challenge_method', 'S256');
    location.assign(url.toString());
  }

  async function requestTokens(form) {
    const { token_endpoint: endpoint } = await endpoints();
    let response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ client_id: config.client_id, ...form }).toString(),
      });
    } catch {
      throw new SignInError('Cannot reach the sign-in service. Check the connection and try again.');
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new SignInError(answer.error_description || 'The sign-in service did not give a token.');
    }
    return answer;
  }

  function keep(answer) {
    const previous = readJson(SESSION) ?? {};
    const lifetime = Number(answer.expires_in) > 0 ? Number(answer.expires_in) * 1000 : 300_000;
    const session = {
      refreshToken: answer.refresh_token ?? previous.refreshToken ?? null,
      idToken: answer.id_token ?? previous.idToken ?? null,
      expiresAt: now() + lifetime,
      refreshedAt: now(),
    };
    token.set(answer.access_token);
    storage.setItem(SESSION, JSON.stringify(session));
    scheduleRefresh(session);
  }

  function scheduleRefresh(session) {
    if (refreshTimer !== null) cancel(refreshTimer);
    refreshTimer = null;
    if (!session.refreshToken) return;
    // From the last refresh, not from now: after a reload the token may be about to expire.
    const due = Math.max((session.refreshedAt ?? 0) + MIN_REFRESH_DELAY_MS, session.expiresAt - REFRESH_MARGIN_MS);
    const delay = Math.max(0, due - now());
    refreshTimer = schedule(() => {
      refreshTimer = null;
      refresh().catch(() => onExpired());
    }, delay);
  }

  /** Trades the refresh token for a new access token. */
  async function refresh() {
    const session = readJson(SESSION);
    if (!session?.refreshToken) throw new SignInError('Nothing to refresh: sign in again.');
    keep(await requestTokens({ grant_type: 'refresh_token', refresh_token: session.refreshToken }));
  }

  /**
   * On the page the provider sent the browser back to: trades the code for tokens. Resolves true when
   * it signed in, false when the address carries no answer from the provider.
   */
  async function completeSignIn() {
    const url = new URL(location.href);
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    const state = url.searchParams.get('state');
    if (!code && !error) return false;
    const pending = readJson(PENDING);
    storage.removeItem(PENDING);
    replaceUrl(pageUrl());
    if (!pending || state !== pending.state) {
      throw new SignInError('That sign-in answer was not for this page. Please sign in again.');
    }
    if (error) {
      throw new SignInError(url.searchParams.get('error_description') || `The sign-in service refused: ${error}.`);
    }
    keep(await requestTokens({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    }));
    return true;
  }

  /** After a reload: keeps refreshing the session this tab already has. */
  function resume() {
    const session = readJson(SESSION);
    if (session && token.get()) scheduleRefresh(session);
  }

  /** Forgets the session in this tab only: no more refreshes. */
  function forget() {
    if (refreshTimer !== null) cancel(refreshTimer);
    refreshTimer = null;
    storage.removeItem(SESSION);
    token.clear();
  }

  /** Forgets the session here and ends it at the provider (its end-session endpoint), which sends the browser back. */
  async function signOut() {
    const session = readJson(SESSION);
    forget();
    const { end_session_endpoint: endSession } = await endpoints().catch(() => ({}));
    if (!endSession) return false;
    const url = new URL(endSession);
    url.searchParams.set('client_id', config.client_id);
    url.searchParams.set('post_logout_redirect_uri', pageUrl());
    if (session?.idToken) url.searchParams.set('id_token_hint', session.idToken);
    location.assign(url.toString());
    return true;
  }

  return { signIn, completeSignIn, refresh, resume, signOut, forget, hasSession: () => readJson(SESSION) !== null };
}
