import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createParser, readEvents } from '../../main/webapp/js/sse.js';

/** Feeds the chunks in order, ends the stream, and returns every dispatched event. */
function parse(chunks, options) {
  const events = [];
  const parser = createParser((e) => events.push(e), options);
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

const utf8 = (text) => new TextEncoder().encode(text);

test('an event ends at a blank line (LF line ends)', () => {
  assert.deepEqual(parse(['data: hello\n\n']), [{ event: 'message', data: 'hello', id: '' }]);
});

test('CRLF line ends', () => {
  assert.deepEqual(parse(['data: a\r\n\r\ndata: b\r\n\r\n']), [
    { event: 'message', data: 'a', id: '' },
    { event: 'message', data: 'b', id: '' },
  ]);
});

test('CR line ends', () => {
  assert.deepEqual(parse(['data: a\rdata: b\r\rdata: c\r\r']), [
    { event: 'message', data: 'a\nb', id: '' },
    { event: 'message', data: 'c', id: '' },
  ]);
});

test('mixed CR, LF and CRLF in one stream', () => {
  assert.deepEqual(parse(['data: 1\rdata: 2\ndata: 3\r\n\n']), [
    { event: 'message', data: '1\n2\n3', id: '' },
  ]);
});

test('a CRLF split between chunks is one line end, not two', () => {
  // Read as two line ends, the LF would be a blank line and dispatch "a" alone.
  assert.deepEqual(parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']), [
    { event: 'message', data: 'a\nb', id: '' },
  ]);
});

test('a CR at the end of a chunk followed by a non-LF still ends the line', () => {
  assert.deepEqual(parse(['data: a\r', 'data: b\r', '\r']), [
    { event: 'message', data: 'a\nb', id: '' },
  ]);
});

test('a CR ending a chunk, then an empty chunk, then the LF', () => {
  assert.deepEqual(parse(['data: a\r', '', '\n\n']), [{ event: 'message', data: 'a', id: '' }]);
});

test('a CRLF split between byte chunks', () => {
  assert.deepEqual(parse([utf8('data: x\r'), utf8('\ndata: y\r'), utf8('\n\r'), utf8('\n')]), [
    { event: 'message', data: 'x\ny', id: '' },
  ]);
});

test('several data lines are joined with LF', () => {
  assert.deepEqual(parse(['data: first\ndata: second\ndata:\ndata: fourth\n\n']), [
    { event: 'message', data: 'first\nsecond\n\nfourth', id: '' },
  ]);
});

test('comment lines are ignored and reported to onComment', () => {
  const comments = [];
  const events = parse([': keep-alive\ndata: a\n:\n: another\n\n: trailing\n\n'], {
    onComment: (text) => comments.push(text),
  });
  assert.deepEqual(events, [{ event: 'message', data: 'a', id: '' }]);
  assert.deepEqual(comments, [' keep-alive', '', ' another', ' trailing']);
});

test('a comment-only block dispatches nothing', () => {
  assert.deepEqual(parse([': OPENROUTER PROCESSING\n\n']), []);
});

test('id sets the last event id, which carries over to later events', () => {
  assert.deepEqual(parse(['id: 1\ndata: a\n\ndata: b\n\nid: 7\ndata: c\n\n']), [
    { event: 'message', data: 'a', id: '1' },
    { event: 'message', data: 'b', id: '1' },
    { event: 'message', data: 'c', id: '7' },
  ]);
});

test('an id containing NUL is ignored', () => {
  assert.deepEqual(parse(['id: 3\ndata: a\n\nid: 4\u00005\ndata: b\n\n']), [
    { event: 'message', data: 'a', id: '3' },
    { event: 'message', data: 'b', id: '3' },
  ]);
});

test('an empty id resets the last event id', () => {
  assert.deepEqual(parse(['id: 3\ndata: a\n\nid\ndata: b\n\n']), [
    { event: 'message', data: 'a', id: '3' },
    { event: 'message', data: 'b', id: '' },
  ]);
});

test('an id-only block updates lastEventId without dispatching', () => {
  const events = [];
  const parser = createParser((e) => events.push(e));
  parser.feed('id: 42\n\n');
  assert.deepEqual(events, []);
  assert.equal(parser.lastEventId, '42');
});

test('the event field names the type, for that event only', () => {
  assert.deepEqual(parse(['event: ping\ndata: a\n\ndata: b\n\n']), [
    { event: 'ping', data: 'a', id: '' },
    { event: 'message', data: 'b', id: '' },
  ]);
});

test('an event type without data is dropped with the block', () => {
  assert.deepEqual(parse(['event: ping\n\ndata: b\n\n']), [{ event: 'message', data: 'b', id: '' }]);
});

test('retry takes ASCII digits only', () => {
  const retries = [];
  const parser = createParser(() => {}, { onRetry: (ms) => retries.push(ms) });
  parser.feed('retry: 2500\nretry: 1.5\nretry: 12a\nretry:\nretry: 300\n\n');
  assert.deepEqual(retries, [2500, 300]);
  assert.equal(parser.retry, 300);
});

test('only one space after the colon is stripped', () => {
  assert.deepEqual(parse(['data:x\n\ndata:  two spaces\n\ndata:\ttab\n\n']), [
    { event: 'message', data: 'x', id: '' },
    { event: 'message', data: ' two spaces', id: '' },
    { event: 'message', data: '\ttab', id: '' },
  ]);
});

test('a value may contain further colons', () => {
  assert.deepEqual(parse(['data: {"a":"b:c"}\n\n']), [
    { event: 'message', data: '{"a":"b:c"}', id: '' },
  ]);
});

test('a field with no colon has an empty value', () => {
  // "data" alone appends an empty line; the event is dispatched with empty data.
  assert.deepEqual(parse(['data\n\ndata\ndata\n\n']), [
    { event: 'message', data: '', id: '' },
    { event: 'message', data: '\n', id: '' },
  ]);
});

test('a field name is exact: case and surrounding spaces matter', () => {
  assert.deepEqual(parse(['Data: a\ndata : b\n data: c\ndata: d\n\n']), [
    { event: 'message', data: 'd', id: '' },
  ]);
});

test('unknown fields are ignored', () => {
  assert.deepEqual(parse(['foo: bar\ndata: a\n\n']), [{ event: 'message', data: 'a', id: '' }]);
});

test('a blank line with an empty data buffer dispatches nothing', () => {
  assert.deepEqual(parse(['\n\n\n\ndata: a\n\n\n\n']), [{ event: 'message', data: 'a', id: '' }]);
});

test('an unterminated event at the end of the stream is discarded', () => {
  assert.deepEqual(parse(['data: a\n\ndata: b\n']), [{ event: 'message', data: 'a', id: '' }]);
  assert.deepEqual(parse(['data: a\n\ndata: b']), [{ event: 'message', data: 'a', id: '' }]);
});

test('end() does not leak a discarded event into anything fed after it', () => {
  const events = [];
  const parser = createParser((e) => events.push(e));
  parser.feed('data: stale\n');
  parser.end();
  parser.feed('data: fresh\n\n');
  assert.deepEqual(events, [{ event: 'message', data: 'fresh', id: '' }]);
});

test('a multi-byte character split at every byte boundary decodes whole', () => {
  const text = 'data: é€😀 ok\n\n';
  const bytes = utf8(text);
  for (let cut = 1; cut < bytes.length; cut++) {
    const events = parse([bytes.slice(0, cut), bytes.slice(cut)]);
    assert.deepEqual(events, [{ event: 'message', data: 'é€😀 ok', id: '' }], `cut at byte ${cut}`);
  }
});

test('a stream fed one byte at a time', () => {
  const bytes = utf8('id: 1\r\ndata: {"type":"token","content":"Grüße 👋"}\r\n\r\n');
  const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
  assert.deepEqual(parse(chunks), [
    { event: 'message', data: '{"type":"token","content":"Grüße 👋"}', id: '1' },
  ]);
});

test('a truncated multi-byte sequence at the end becomes U+FFFD and is not dispatched', () => {
  const bytes = utf8('data: a\n\ndata: €');
  assert.deepEqual(parse([bytes.slice(0, bytes.length - 1)]), [{ event: 'message', data: 'a', id: '' }]);
});

test('a leading byte order mark is stripped once', () => {
  assert.deepEqual(parse([Uint8Array.of(0xef, 0xbb, 0xbf), utf8('data: a\n\n')]), [
    { event: 'message', data: 'a', id: '' },
  ]);
  assert.deepEqual(parse(['\ufeffdata: a\n\n']), [{ event: 'message', data: 'a', id: '' }]);
  // A second BOM is part of the first line, so that line's field is not "data".
  assert.deepEqual(parse(['\ufeff\ufeffdata: a\n\ndata: b\n\n']), [{ event: 'message', data: 'b', id: '' }]);
});

test('the chat stream of the API contract', () => {
  const wire =
    'id: 1\ndata: {"type":"user_message","content":"What do the sources say?","timestamp":"t"}\n\n' +
    ': keep-alive\n\n' +
    'id: 2\ndata: {"type":"token","content":"The"}\n\n' +
    'id: 3\ndata: {"type":"token","content":" sources"}\n\n' +
    'id: 4\ndata: {"type":"ai_message_complete","content":"The sources","timestamp":"t"}\n\n' +
    'id: 5\ndata: {"type":"complete","message_id":"m1","finish_reason":"stop"}\n\n';
  const events = parse([wire]);
  assert.deepEqual(
    events.map((e) => [e.id, JSON.parse(e.data).type]),
    [
      ['1', 'user_message'],
      ['2', 'token'],
      ['3', 'token'],
      ['4', 'ai_message_complete'],
      ['5', 'complete'],
    ],
  );
  // Fed byte by byte, the same events come out.
  const bytes = utf8(wire);
  assert.deepEqual(parse(Array.from(bytes, (b) => Uint8Array.of(b))), events);
});

function streamOf(chunks) {
  let cancelled = null;
  const stream = new ReadableStream({
    pull(controller) {
      if (chunks.length === 0) controller.close();
      else controller.enqueue(utf8(chunks.shift()));
    },
    cancel(reason) {
      cancelled = reason ?? 'cancelled';
    },
  });
  return { stream, wasCancelled: () => cancelled !== null };
}

test('readEvents yields the events of a ReadableStream', async () => {
  const { stream, wasCancelled } = streamOf(['id: 1\ndata: a', '\n\nid: 2\r', '\ndata: b\r\n\r\n', 'data: tail\n']);
  const seen = [];
  for await (const event of readEvents(stream)) seen.push(event);
  assert.deepEqual(seen, [
    { event: 'message', data: 'a', id: '1' },
    { event: 'message', data: 'b', id: '2' },
  ]);
  assert.equal(wasCancelled(), false);
});

test('leaving readEvents early cancels the stream', async () => {
  const { stream, wasCancelled } = streamOf(['data: a\n\n', 'data: b\n\n', 'data: c\n\n']);
  const seen = [];
  for await (const event of readEvents(stream)) {
    seen.push(event.data);
    break;
  }
  assert.deepEqual(seen, ['a']);
  assert.equal(wasCancelled(), true);
});
