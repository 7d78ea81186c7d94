// One chat turn as the page sees it: open the event stream, hand each event on, and say
// how the turn ended. No DOM here, so the rules are tested in node.
//
// A dropped connection does not end a turn on the server (it runs on and is saved), so
// when the stream breaks before `complete` or `error`, the turn is followed again from the
// last event id seen, the way EventSource would reconnect.

import { readEvents } from './sse.js';

/**
 * @typedef {{outcome: 'complete', finishReason: string|null, event: object, lastEventId: string}
 *         | {outcome: 'error', message: string, lastEventId: string}
 *         | {outcome: 'aborted', lastEventId: string}
 *         | {outcome: 'lost', lastEventId: string}} TurnResult
 */

/**
 * Runs a turn's stream to its end.
 *
 * @param {object} options
 * @param {() => Promise<Response>} options.open starts the stream; throws (e.g. ApiError) when
 *   the server refuses the turn before streaming, and that error reaches the caller as is.
 * @param {(lastEventId: string) => Promise<Response>} [options.resume] reopens the stream
 *   after a break, replaying events after the given id.
 * @param {(payload: object) => void} options.onEvent each event's JSON payload, in order,
 *   each once even across a resume.
 * @param {AbortSignal} [options.signal] aborting it ends the turn here with 'aborted'.
 * @param {number} [options.maxResumes]
 * @param {(ms: number) => Promise<void>} [options.sleep]
 * @returns {Promise<TurnResult>}
 */
export async function runTurn({ open, resume, onEvent, signal, maxResumes = 3, sleep = wait }) {
  let response = await open();
  let lastEventId = '';
  let lastNumber = null;
  let retryMs = 1000;
  let resumes = 0;

  for (;;) {
    try {
      for await (const event of readEvents(response.body, { onRetry: (ms) => (retryMs = ms) })) {
        if (event.id) {
          const number = /^\d+$/.test(event.id) ? Number(event.id) : null;
          // A replay that repeats an event already handled is skipped.
          if (number !== null && lastNumber !== null && number <= lastNumber) continue;
          lastEventId = event.id;
          lastNumber = number;
        }
        let payload;
        try {
          payload = JSON.parse(event.data);
        } catch {
          continue; // not one of ours
        }
        if (!payload || typeof payload.type !== 'string') continue;
        onEvent(payload);
        if (payload.type === 'complete') {
          return { outcome: 'complete', finishReason: payload.finish_reason ?? null, event: payload, lastEventId };
        }
        if (payload.type === 'error') {
          return { outcome: 'error', message: payload.message || 'The answer failed.', lastEventId };
        }
      }
    } catch (error) {
      if (signal?.aborted) return { outcome: 'aborted', lastEventId };
      // The connection broke mid-stream: fall through and try to follow the turn again.
    }
    if (signal?.aborted) return { outcome: 'aborted', lastEventId };

    // The stream ended without `complete` or `error`.
    for (;;) {
      if (!resume || resumes >= maxResumes) return { outcome: 'lost', lastEventId };
      resumes++;
      await sleep(retryMs * resumes);
      if (signal?.aborted) return { outcome: 'aborted', lastEventId };
      try {
        response = await resume(lastEventId);
        break;
      } catch (error) {
        if (signal?.aborted || error?.name === 'AbortError') return { outcome: 'aborted', lastEventId };
        if (error?.status === 401) throw error;
        if (error?.status === 404 || error?.status === 405) return { outcome: 'lost', lastEventId };
        // Anything else (no network yet, 503): try again, if tries are left.
      }
    }
  }
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
