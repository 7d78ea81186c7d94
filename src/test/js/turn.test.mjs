import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTurn } from '../../main/webapp/js/turn.js';
import { ApiError } from '../../main/webapp/js/api.js';

const encoder = new TextEncoder();

/** A Response whose body delivers the chunks, then ends (or fails, when `fail` is set). */
function streamResponse(chunks, { fail = false } = {}) {
  const queue = [...chunks];
  return new Response(
    new ReadableStream({
      pull(controller) {
        if (queue.length > 0) controller.enqueue(encoder.encode(queue.shift()));
        else if (fail) controller.error(new TypeError('network error'));
        else controller.close();
      },
    }),
    { status: 200, headers: { 'Content-Type': 'text/event-stream' } },
  );
}

const frame = (id, payload) => `id: ${id}\ndata: ${JSON.stringify(payload)}\n\n`;
const userMessage = { type: 'user_message', content: 'Hi?', timestamp: 't' };
const token = (content) => ({ type: 'token', content });
const aiComplete = (content) => ({ type: 'ai_message_complete', content, timestamp: 't' });
const complete = (reason = 'stop') => ({ type: 'complete', message_id: 'm1', finish_reason: reason });
const noSleep = async () => {};

test('a turn that completes hands on every event and reports the finish reason', async () => {
  const seen = [];
  const result = await runTurn({
    open: async () =>
      streamResponse([
        frame(1, userMessage) + frame(2, token('Hel')),
        ': keep-alive\n\n',
        frame(3, token('lo')) + frame(4, aiComplete('Hello')) + frame(5, complete()),
      ]),
    onEvent: (e) => seen.push(e),
  });
  assert.deepEqual(seen, [userMessage, token('Hel'), token('lo'), aiComplete('Hello'), complete()]);
  assert.deepEqual(result, { outcome: 'complete', finishReason: 'stop', event: complete(), lastEventId: '5' });
});

test('a stopped turn completes with finish reason "stopped"', async () => {
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage), frame(2, aiComplete('')), frame(3, complete('stopped'))]),
    onEvent: () => {},
  });
  assert.equal(result.outcome, 'complete');
  assert.equal(result.finishReason, 'stopped');
});

test('an error event ends the turn with its message', async () => {
  const seen = [];
  const result = await runTurn({
    open: async () =>
      streamResponse([
        frame(1, userMessage),
        frame(2, token('Part')),
        frame(3, { type: 'error', message: 'The provider openai rejected the API key.' }),
        frame(4, token('ignored after the error')),
      ]),
    onEvent: (e) => seen.push(e.type),
  });
  assert.deepEqual(seen, ['user_message', 'token', 'error']);
  assert.deepEqual(result, { outcome: 'error', message: 'The provider openai rejected the API key.', lastEventId: '3' });
});

test('a refusal before the stream starts reaches the caller unchanged', async () => {
  const refusal = new ApiError(409, 'conflict', 'A turn is already running in this session.');
  await assert.rejects(
    runTurn({ open: async () => { throw refusal; }, onEvent: () => assert.fail('no events') }),
    (error) => error === refusal,
  );
});

test('a broken stream is followed again from the last event id', async () => {
  const seen = [];
  const resumedAfter = [];
  const sleeps = [];
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage), frame(2, token('A')), 'id: 3\ndata: {"ty'], { fail: true }),
    resume: async (lastEventId) => {
      resumedAfter.push(lastEventId);
      return streamResponse([frame(3, token('B')), frame(4, aiComplete('AB')), frame(5, complete())]);
    },
    onEvent: (e) => seen.push(e.content ?? e.type),
    sleep: async (ms) => sleeps.push(ms),
  });
  assert.deepEqual(resumedAfter, ['2']);
  assert.deepEqual(sleeps, [1000]);
  assert.deepEqual(seen, ['Hi?', 'A', 'B', 'AB', 'complete']);
  assert.equal(result.outcome, 'complete');
});

test('events replayed twice are handed on once', async () => {
  const seen = [];
  let opened = 0;
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage), frame(2, token('A'))]),
    resume: async () => {
      opened++;
      // A server that replays from an earlier point than asked.
      return streamResponse([frame(1, userMessage), frame(2, token('A')), frame(3, token('B')), frame(4, complete())]);
    },
    onEvent: (e) => seen.push(e.content ?? e.type),
    sleep: noSleep,
  });
  assert.equal(opened, 1);
  assert.deepEqual(seen, ['Hi?', 'A', 'B', 'complete']);
  assert.equal(result.outcome, 'complete');
});

test('the retry field sets the wait before following again', async () => {
  const sleeps = [];
  await runTurn({
    open: async () => streamResponse(['retry: 250\n\n', frame(1, userMessage)]),
    resume: async () => streamResponse([frame(2, complete())]),
    onEvent: () => {},
    sleep: async (ms) => sleeps.push(ms),
  });
  assert.deepEqual(sleeps, [250]);
});

test('a stream that ends early and cannot be followed is lost', async () => {
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage), frame(2, token('A'))]),
    onEvent: () => {},
  });
  assert.deepEqual(result, { outcome: 'lost', lastEventId: '2' });
});

test('a server without the follow endpoint (404) makes the turn lost at once', async () => {
  let resumes = 0;
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage)]),
    resume: async () => {
      resumes++;
      throw new ApiError(404, 'not_found', 'Not found');
    },
    onEvent: () => {},
    sleep: noSleep,
  });
  assert.equal(resumes, 1);
  assert.deepEqual(result, { outcome: 'lost', lastEventId: '1' });
});

test('following again gives up after the allowed number of tries', async () => {
  let resumes = 0;
  const result = await runTurn({
    open: async () => streamResponse([frame(1, userMessage)]),
    resume: async () => {
      resumes++;
      throw new ApiError(0, 'network', 'offline');
    },
    onEvent: () => {},
    maxResumes: 3,
    sleep: noSleep,
  });
  assert.equal(resumes, 3);
  assert.equal(result.outcome, 'lost');
});

test('aborting mid-stream ends the turn as aborted, without following again', async () => {
  const controller = new AbortController();
  const seen = [];
  const result = await runTurn({
    open: async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(encoder.encode(frame(1, userMessage) + frame(2, token('A'))));
            controller.signal.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
          },
        }),
      ),
    resume: async () => assert.fail('an aborted turn is not followed again'),
    onEvent: (e) => {
      seen.push(e.type);
      if (e.type === 'token') controller.abort();
    },
    signal: controller.signal,
    sleep: noSleep,
  });
  assert.deepEqual(seen, ['user_message', 'token']);
  assert.deepEqual(result, { outcome: 'aborted', lastEventId: '2' });
});

test('data that is not a JSON event is skipped', async () => {
  const seen = [];
  const result = await runTurn({
    open: async () =>
      streamResponse(['data: not json\n\n', 'data: 42\n\n', 'data: {"no":"type"}\n\n', frame(1, complete())]),
    onEvent: (e) => seen.push(e.type),
  });
  assert.deepEqual(seen, ['complete']);
  assert.equal(result.outcome, 'complete');
});
