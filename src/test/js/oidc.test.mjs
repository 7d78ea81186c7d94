import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createOidc, codeChallenge, SignInError } from '../../main/webapp/js/oidc.js';

const ISSUER = 'https://login.example.test/realms/acme';
const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: ISSUER + '/protocol/openid-connect/auth',
  token_endpoint: ISSUER + '/protocol/openid-connect/token',
  end_session_endpoint: ISSUER + '/protocol/openid-connect/logout',
};

function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    keys: () => [...map.keys()],
  };
}

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** An OIDC client over fakes: the provider answers with `tokens(form)`, timers run when the test says. */
function oidcWith({ href = 'https://chat.example.test/', tokens = () => json(200, {}), storage = memoryStorage(), accessToken: stored = null, clock: start = 1_000_000 } = {}) {
  const requests = [];
  const timers = [];
  const visited = [];
  let accessToken = stored;
  let clock = start;
  const location = { href, assign: (url) => visited.push(url) };
  const oidc = createOidc({
    config: { issuer: ISSUER, client_id: 'notebookchat-page' },
    token: { get: () => accessToken, set: (v) => (accessToken = v), clear: () => (accessToken = null) },
    storage,
    location,
    replaceUrl: (url) => (location.href = url),
    crypto: webcrypto,
    now: () => clock,
    setTimeout: (fn, delay) => timers.push({ fn, delay, at: clock + delay }) - 1,
    clearTimeout: (id) => (timers[id] = null),
    fetch: async (url, init = {}) => {
      requests.push({ url, ...init });
      if (url === ISSUER + '/.well-known/openid-configuration') return json(200, DISCOVERY);
      if (url === DISCOVERY.token_endpoint) return tokens(Object.fromEntries(new URLSearchParams(init.body)));
      return json(404, {});
    },
  });
  return {
    oidc, requests, timers, visited, storage, location,
    accessToken: () => accessToken,
    advance: (ms) => (clock += ms),
    now: () => clock,
  };
}

/** Signs in through the fakes, back from the provider with a code, as the page does. */
async function signedIn(t) {
  await t.oidc.signIn();
  const { state } = JSON.parse(t.storage.getItem('notebookchat.oidc.pending'));
  t.location.href = `https://chat.example.test/?code=c&state=${state}`;
  await t.oidc.completeSignIn();
  return t;
}

test('the code challenge is the S256 of the verifier (RFC 7636, appendix B)', async () => {
  assert.equal(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', webcrypto.subtle),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('the scope the server names is the one asked for', async () => {
  const visited = [];
  const oidc = createOidc({
    config: { issuer: ISSUER, client_id: 'spa', scope: 'openid profile offline_access api://notebookchat/chat' },
    token: { get: () => null, set: () => {}, clear: () => {} },
    storage: memoryStorage(),
    location: { href: 'https://chat.example.test/', assign: (url) => visited.push(url) },
    crypto: webcrypto,
    fetch: async () => json(200, DISCOVERY),
  });

  await oidc.signIn();

  assert.equal(new URL(visited[0]).searchParams.get('scope'), 'openid profile offline_access api://notebookchat/chat');
});

test('signing in goes to the discovered authorization endpoint with PKCE and a state', async () => {
  const t = oidcWith({ href: 'https://chat.example.test/app/?x=1#top' });

  await t.oidc.signIn();

  assert.equal(t.visited.length, 1);
  const url = new URL(t.visited[0]);
  assert.equal(url.origin + url.pathname, DISCOVERY.authorization_endpoint);
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), 'notebookchat-page');
  assert.equal(url.searchParams.get('redirect_uri'), 'https://chat.example.test/app/');
  assert.equal(url.searchParams.get('scope'), 'openid profile');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  const pending = JSON.parse(t.storage.getItem('notebookchat.oidc.pending'));
  assert.equal(url.searchParams.get('state'), pending.state);
  assert.equal(url.searchParams.get('code_challenge'), await codeChallenge(pending.verifier, webcrypto.subtle));
  assert.match(pending.verifier, /^[A-Za-z0-9_-]{43}$/);
});

test('back from the provider, the code and verifier buy tokens, the address is cleaned, and a refresh is due 30 s before expiry', async () => {
  const t = oidcWith({
    tokens: (form) => json(200, { access_token: 'access-1', refresh_token: 'refresh-1', id_token: 'id-1', expires_in: 300, form }),
  });
  await t.oidc.signIn();
  const { state, verifier } = JSON.parse(t.storage.getItem('notebookchat.oidc.pending'));
  t.location.href = `https://chat.example.test/?state=${state}&session_state=s&code=the-code`;

  assert.equal(await t.oidc.completeSignIn(), true);

  assert.equal(t.accessToken(), 'access-1');
  assert.equal(t.location.href, 'https://chat.example.test/');
  assert.equal(t.storage.getItem('notebookchat.oidc.pending'), null);
  const exchange = t.requests.find((r) => r.url === DISCOVERY.token_endpoint);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(exchange.body)), {
    client_id: 'notebookchat-page',
    grant_type: 'authorization_code',
    code: 'the-code',
    redirect_uri: 'https://chat.example.test/',
    code_verifier: verifier,
  });
  assert.deepEqual(t.timers.map((timer) => timer.delay), [270_000]);
});

test('a refresh replaces the access token that every later call reads, and schedules the next one', async () => {
  let issued = 0;
  const t = oidcWith({
    tokens: (form) => {
      issued += 1;
      return json(200, { access_token: `access-${issued}`, refresh_token: `refresh-${issued}`, expires_in: 60, got: form });
    },
  });
  await t.oidc.signIn();
  const { state } = JSON.parse(t.storage.getItem('notebookchat.oidc.pending'));
  t.location.href = `https://chat.example.test/?code=c&state=${state}`;
  await t.oidc.completeSignIn();
  assert.equal(t.accessToken(), 'access-1');

  t.advance(t.timers[0].delay);
  await t.timers[0].fn();
  await new Promise((resolve) => setImmediate(resolve));

  assert.equal(t.accessToken(), 'access-2');
  const refresh = t.requests.filter((r) => r.url === DISCOVERY.token_endpoint)[1];
  assert.deepEqual(Object.fromEntries(new URLSearchParams(refresh.body)), {
    client_id: 'notebookchat-page', grant_type: 'refresh_token', refresh_token: 'refresh-1',
  });
  assert.deepEqual(t.timers.slice(1).map((timer) => timer.delay), [30_000], 'the next refresh, 30 s before the new expiry');
});

test('an answer with a state this tab did not send is refused and buys no token', async () => {
  const t = oidcWith();
  await t.oidc.signIn();
  t.location.href = 'https://chat.example.test/?code=stolen&state=forged';

  await assert.rejects(t.oidc.completeSignIn(), SignInError);

  assert.equal(t.accessToken(), null);
  assert.equal(t.requests.filter((r) => r.url === DISCOVERY.token_endpoint).length, 0);
});

test('a page without an answer from the provider is not a sign-in', async () => {
  const t = oidcWith({ href: 'https://chat.example.test/' });
  assert.equal(await t.oidc.completeSignIn(), false);
  assert.equal(t.requests.length, 0);
});

test('signing out forgets the tokens and ends the session at the provider with the id token', async () => {
  const t = oidcWith({ tokens: () => json(200, { access_token: 'a', refresh_token: 'r', id_token: 'the-id-token', expires_in: 300 }) });
  await t.oidc.signIn();
  const { state } = JSON.parse(t.storage.getItem('notebookchat.oidc.pending'));
  t.location.href = `https://chat.example.test/?code=c&state=${state}`;
  await t.oidc.completeSignIn();

  assert.equal(await t.oidc.signOut(), true);

  assert.equal(t.accessToken(), null);
  assert.equal(t.oidc.hasSession(), false);
  assert.equal(t.timers.filter(Boolean).length, 0, 'no refresh left');
  const url = new URL(t.visited.at(-1));
  assert.equal(url.origin + url.pathname, DISCOVERY.end_session_endpoint);
  assert.equal(url.searchParams.get('client_id'), 'notebookchat-page');
  assert.equal(url.searchParams.get('post_logout_redirect_uri'), 'https://chat.example.test/');
  assert.equal(url.searchParams.get('id_token_hint'), 'the-id-token');
});

test('after a reload the next refresh counts from the last one: at once for a token about to expire, not sooner than 5 s after it', async () => {
  const storage = memoryStorage();
  const minute = await signedIn(oidcWith({ storage, tokens: () => json(200, { access_token: 'a', refresh_token: 'r', expires_in: 60 }) }));
  assert.deepEqual(minute.timers.map((timer) => timer.delay), [30_000]);

  const late = oidcWith({ storage, accessToken: 'a', clock: minute.now() + 40_000 });
  late.oidc.resume();
  assert.deepEqual(late.timers.map((timer) => timer.delay), [0], 'due 10 s ago: 20 s of the token left');

  const short = await signedIn(oidcWith({ storage, tokens: () => json(200, { access_token: 'b', refresh_token: 'r', expires_in: 6 }) }));
  assert.deepEqual(short.timers.map((timer) => timer.delay), [5_000]);
  const soon = oidcWith({ storage, accessToken: 'b', clock: short.now() + 2_000 });
  soon.oidc.resume();
  assert.deepEqual(soon.timers.map((timer) => timer.delay), [3_000], '5 s after the last refresh');
});
