import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, ApiError, subjectOf, displayNameOf } from '../../main/webapp/js/api.js';

function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
}

/** An API over a fake fetch that records each request and answers with `reply(url, init)`. */
function apiWith(reply, extra = {}) {
  const requests = [];
  const api = createApi({
    storage: memoryStorage(),
    fetch: async (url, init) => {
      requests.push({ url, ...init });
      return reply(url, init);
    },
    ...extra,
  });
  return { api, requests };
}

const json = (status, body) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

test('calls carry the bearer token and use relative URLs', async () => {
  const { api, requests } = apiWith(() => json(200, [{ id: 'n1', name: 'Research' }]));
  api.token.set('t0k');
  assert.deepEqual(await api.listNotebooks(), [{ id: 'n1', name: 'Research' }]);
  assert.equal(requests[0].url, 'api/notebooks');
  assert.equal(requests[0].method, 'GET');
  assert.equal(requests[0].headers.Authorization, 'Bearer t0k');
});

test('dev login sends the username without a token', async () => {
  const { api, requests } = apiWith(() => json(200, { token: 'jwt', expires_in: 3600 }));
  api.token.set('old');
  assert.deepEqual(await api.devToken('alice'), { token: 'jwt', expires_in: 3600 });
  assert.equal(requests[0].url, 'api/auth/dev-token');
  assert.equal(requests[0].method, 'POST');
  assert.equal(requests[0].body, '{"username":"alice"}');
  assert.equal(requests[0].headers.Authorization, undefined);
});

test('a 404 from dev login is an ApiError the sign-in page can tell apart', async () => {
  const { api } = apiWith(() => json(404, { error: 'not_found', message: 'Not found' }));
  await assert.rejects(api.devToken('alice'), (e) => e instanceof ApiError && e.status === 404);
});

test('an error body becomes an ApiError with its code and message', async () => {
  const { api } = apiWith(() => json(400, { error: 'bad_request', message: 'title must be at most 200 characters' }));
  await assert.rejects(api.createNotebook('x'), {
    name: 'ApiError',
    status: 400,
    code: 'bad_request',
    message: 'title must be at most 200 characters',
  });
});

test('an error without a JSON body gets a message of our own', async () => {
  const { api } = apiWith(() => new Response('<html>Bad gateway</html>', { status: 503 }));
  await assert.rejects(api.listNotebooks(), {
    status: 503,
    code: 'http_503',
    message: 'The service is unavailable right now. Try again in a moment.',
  });
});

test('every 401 is reported to onUnauthorized', async () => {
  const seen = [];
  const { api } = apiWith(() => json(401, { error: 'unauthorized', message: 'Token expired' }), {
    onUnauthorized: (e) => seen.push(e.message),
  });
  await assert.rejects(api.models(), { status: 401 });
  await assert.rejects(api.getSession('s1'), { status: 401 });
  assert.deepEqual(seen, ['Token expired', 'Token expired']);
});

test('an unreachable server is an ApiError with status 0', async () => {
  const { api } = apiWith(() => {
    throw new TypeError('Failed to fetch');
  });
  await assert.rejects(api.listNotebooks(), { status: 0, code: 'network' });
});

test('204 answers resolve to null', async () => {
  const { api, requests } = apiWith(() => new Response(null, { status: 204 }));
  assert.equal(await api.deleteNotebook('a/b'), null);
  assert.equal(requests[0].url, 'api/notebooks/a%2Fb');
  assert.equal(requests[0].method, 'DELETE');
});

test('the stream request asks for an event stream and sends the turn as JSON', async () => {
  const { api, requests } = apiWith(() => new Response('', { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
  api.token.set('t0k');
  const body = { session_id: 's1', message: 'Hi', context_config: { sources: { a: 'full content' }, notes: {} }, model_override: 'local/extractive' };
  const response = await api.executeStream(body);
  assert.equal(response.status, 200);
  assert.equal(requests[0].url, 'api/chat/execute/stream');
  assert.equal(requests[0].method, 'POST');
  assert.deepEqual(requests[0].headers, {
    Accept: 'text/event-stream',
    'Content-Type': 'application/json',
    Authorization: 'Bearer t0k',
  });
  assert.deepEqual(JSON.parse(requests[0].body), body);
});

test('a refused stream request is an ApiError (409 while a turn runs)', async () => {
  const { api } = apiWith(() => json(409, { error: 'conflict', message: 'A turn is already running.' }));
  await assert.rejects(api.executeStream({ session_id: 's1', message: 'Hi' }), { status: 409, message: 'A turn is already running.' });
});

test('following a turn sends Last-Event-ID only when there is one', async () => {
  const { api, requests } = apiWith(() => new Response('', { status: 200 }));
  await api.followStream('s 1', '7');
  await api.followStream('s 1', '');
  assert.equal(requests[0].url, 'api/chat/sessions/s%201/stream');
  assert.equal(requests[0].headers['Last-Event-ID'], '7');
  assert.equal('Last-Event-ID' in requests[1].headers, false);
});

test('credentials are saved with PUT and only the key is sent', async () => {
  const { api, requests } = apiWith(() => json(200, { provider: 'openai', key_hint: 'abcd', created: 't' }));
  assert.deepEqual(await api.saveCredential('openai', 'sk-secret-abcd'), { provider: 'openai', key_hint: 'abcd', created: 't' });
  assert.equal(requests[0].url, 'api/credentials/openai');
  assert.equal(requests[0].method, 'PUT');
  assert.equal(requests[0].body, '{"api_key":"sk-secret-abcd"}');
});

test('sign out clears the token', () => {
  const { api } = apiWith(() => json(200, {}));
  api.token.set('t0k');
  api.token.clear();
  assert.equal(api.token.get(), null);
});

test('subjectOf reads the sub claim for display', () => {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal(subjectOf(`${part({ alg: 'RS256' })}.${part({ sub: 'zoë', iss: 'x' })}.sig`), 'zoë');
  assert.equal(subjectOf('not a jwt'), null);
});

test('displayNameOf prefers preferred_username, then name, then sub', () => {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = (claims) => `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
  assert.equal(displayNameOf(jwt({ sub: '5a1e0c57', preferred_username: 'alice', name: 'Alice Admin' })), 'alice');
  assert.equal(displayNameOf(jwt({ sub: '5a1e0c57', name: 'Alice Admin' })), 'Alice Admin');
  assert.equal(displayNameOf(jwt({ sub: '5a1e0c57', preferred_username: ' ' })), '5a1e0c57');
  assert.equal(displayNameOf('not a jwt'), null);
});
