// Server-Sent Events parsing, following the WHATWG "event stream interpretation" rules.
//
// The page cannot use EventSource: the chat stream is a POST with an Authorization header.
// So it reads the fetch body itself, and this parser turns those bytes into events exactly
// as EventSource would, including the awkward cases a network splits for us: a multi-byte
// character cut between two chunks, and a CRLF line end whose CR ends one chunk and whose
// LF starts the next.

const LF = 10;
const CR = 13;

/**
 * Creates an incremental event-stream parser.
 *
 * @param {(event: {event: string, data: string, id: string}) => void} onEvent
 *   called for each dispatched event; `event` is the type ("message" unless an `event:`
 *   field named another), `id` the last event id in force when it was dispatched.
 * @param {{onRetry?: (ms: number) => void, onComment?: (text: string) => void}} [options]
 * @returns {{feed(chunk: Uint8Array|string): void, end(): void,
 *            readonly lastEventId: string, readonly retry: number|null}}
 *   Feed either bytes or strings, not a mix within one stream.
 */
export function createParser(onEvent, options = {}) {
  const { onRetry, onComment } = options;
  const decoder = new TextDecoder('utf-8');
  let started = false; // a leading BOM is stripped once, at the very start of the stream
  let line = ''; // the incomplete line carried over from the previous chunk
  let skipLeadingLF = false; // the previous chunk ended with CR: an LF next completes CRLF
  let dataBuffer = '';
  let eventTypeBuffer = '';
  let lastEventIdBuffer = '';
  let lastEventId = '';
  let retry = null;

  function processText(text) {
    if (text.length === 0) return;
    let start = 0;
    if (skipLeadingLF) {
      skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const complete = line + text.slice(start, i);
      line = '';
      if (c === CR) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          skipLeadingLF = true;
        }
      }
      start = i + 1;
      processLine(complete);
    }
    line += text.slice(start);
  }

  function processLine(text) {
    if (text === '') {
      dispatch();
      return;
    }
    if (text.charCodeAt(0) === 0x3a /* : */) {
      if (onComment) onComment(text.slice(1));
      return;
    }
    const colon = text.indexOf(':');
    let field;
    let value;
    if (colon === -1) {
      field = text;
      value = '';
    } else {
      field = text.slice(0, colon);
      value = text.slice(colon + 1);
      if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        eventTypeBuffer = value;
        break;
      case 'data':
        dataBuffer += value + '\n';
        break;
      case 'id':
        if (!value.includes('\u0000')) lastEventIdBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          retry = Number.parseInt(value, 10);
          if (onRetry) onRetry(retry);
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
  }

  function dispatch() {
    lastEventId = lastEventIdBuffer;
    if (dataBuffer === '') {
      eventTypeBuffer = '';
      return;
    }
    const data = dataBuffer.slice(0, -1); // drop the single trailing LF
    const event = { event: eventTypeBuffer || 'message', data, id: lastEventId };
    dataBuffer = '';
    eventTypeBuffer = '';
    onEvent(event);
  }

  return {
    feed(chunk) {
      if (typeof chunk !== 'string') {
        started = true; // the decoder strips the BOM of a byte stream itself
        processText(decoder.decode(chunk, { stream: true }));
        return;
      }
      if (!started && chunk.length > 0) {
        started = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      processText(chunk);
    },
    /** The stream ended: whatever was not yet terminated by a blank line is discarded. */
    end() {
      const rest = decoder.decode();
      if (rest) processText(rest);
      line = '';
      skipLeadingLF = false;
      dataBuffer = '';
      eventTypeBuffer = '';
    },
    get lastEventId() {
      return lastEventId;
    },
    get retry() {
      return retry;
    },
  };
}

/**
 * Reads a byte stream (e.g. a fetch Response body) and yields its events as they complete.
 * Leaving the loop early (break, return, throw) cancels the stream.
 *
 * @param {ReadableStream<Uint8Array>} stream
 * @param {{onRetry?: (ms: number) => void, onComment?: (text: string) => void}} [options]
 * @returns {AsyncGenerator<{event: string, data: string, id: string}>}
 */
export async function* readEvents(stream, options = {}) {
  const reader = stream.getReader();
  const ready = [];
  const parser = createParser((event) => ready.push(event), options);
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        parser.end();
        break;
      }
      parser.feed(value);
      while (ready.length > 0) yield ready.shift();
    }
  } finally {
    if (!finished) {
      // The consumer stopped early or the read failed: let the connection go.
      await reader.cancel().catch(() => {});
    }
    reader.releaseLock();
  }
}
