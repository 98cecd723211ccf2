/**
 * One HTTP attempt over an undici dispatcher, with the two clocks the retry rules need:
 * - the wait for a connection (pool queue, connect) ends when undici starts writing the request
 *   (onRequestStart); if it runs out first, the request is aborted before a byte is written, so it is
 *   provably never sent;
 * - the answer timeout starts only then: from the write to the complete answer (to the headers when the body
 *   is streamed to the caller, whose chunks then each get the same time), restarted by every uploaded chunk.
 * A failure before onRequestStart (connection refused, connect timeout, TLS refused) is marked `sent: false`.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { TimeoutError } from './errors.ts';

/** What a request body may be: text or bytes (re-sendable), or a stream (sent once). */
export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface AttemptInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: RequestBody | undefined;
  /** From the start of the write to the complete answer (or its headers when `stream`). */
  timeoutMs: number;
  /** Longest wait for a connection before the request is given up as never sent. */
  queueTimeoutMs: number;
  /** The whole wait limit, for the message, when part of it was already spent elsewhere. */
  queueLimitMs?: number | undefined;
  /** Hand a 2xx answer's body over as a stream instead of buffering it. */
  stream: boolean;
}

export interface AttemptAnswer {
  status: number;
  headers: Headers;
  /** The whole body, or a stream of it (2xx with `stream`). */
  body: Buffer | Readable;
}

export type FailureKind = 'queue' | 'timeout' | 'network';

/** Why an attempt got no answer; `sent` says whether any of the request may have reached the service. */
export class AttemptFailure extends Error {
  readonly kind: FailureKind;
  readonly sent: boolean;
  /** Some bytes of a streamed body were read (it cannot be sent again). */
  readonly streamRead: boolean;

  constructor(kind: FailureKind, sent: boolean, streamRead: boolean, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AttemptFailure';
    this.kind = kind;
    this.sent = sent;
    this.streamRead = streamRead;
  }
}

export function isStreamBody(body: RequestBody | undefined): body is Readable | AsyncIterable<Uint8Array> {
  return body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
}

export function attempt(dispatcher: Dispatcher, input: AttemptInput): Promise<AttemptAnswer> {
  return new Promise<AttemptAnswer>((resolve, reject) => {
    let state = 'queued' as 'queued' | 'sent' | 'answered' | 'done';
    let controller: Dispatcher.DispatchController | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let streamRead = false;
    let readable: Readable | undefined;
    const chunks: Buffer[] = [];
    let status = 0;
    let headers = new Headers();

    const settle = () => {
      clearTimeout(queueTimer);
      clearTimeout(deadline);
    };
    const fail = (f: AttemptFailure) => {
      if (state === 'done') return;
      state = 'done';
      settle();
      reject(f);
    };
    const arm = () => {
      clearTimeout(deadline);
      deadline = setTimeout(() => {
        const f = new AttemptFailure(
          'timeout',
          true,
          streamRead,
          state === 'answered'
            ? `answer body not complete within ${input.timeoutMs} ms`
            : `no answer within ${input.timeoutMs} ms of sending`,
        );
        fail(f);
        controller?.abort(f);
      }, input.timeoutMs);
    };
    const queueTimer = setTimeout(() => {
      // still not written: undici aborts it at onRequestStart, before the first byte
      if (state === 'queued')
        fail(
          new AttemptFailure(
            'queue',
            false,
            false,
            `no connection free within ${input.queueLimitMs ?? input.queueTimeoutMs} ms`,
          ),
        );
    }, input.queueTimeoutMs);

    let body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined;
    if (isStreamBody(input.body)) {
      const source = input.body;
      body = (async function* tap() {
        for await (const chunk of source) {
          streamRead = true;
          if (state === 'sent') arm();
          yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        }
        // the upload is complete: the service now gets the whole timeout to answer
        if (state === 'sent') arm();
      })();
    } else body = input.body;

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (state !== 'queued') {
          ctrl.abort(new Error('given up before it was sent'));
          return;
        }
        state = 'sent';
        clearTimeout(queueTimer);
        arm();
      },
      onResponseStart(ctrl, statusCode, rawHeaders) {
        if (state === 'done') return;
        status = statusCode;
        headers = toHeaders(rawHeaders);
        if (input.stream && statusCode >= 200 && statusCode < 300) {
          state = 'done';
          settle();
          readable = new Readable({
            read: () => ctrl.resume(),
            destroy: (err, cb) => {
              // the caller stopped reading: drop the connection instead of draining an image
              if (!readable?.readableEnded) ctrl.abort(err ?? new Error('body stream closed by the reader'));
              cb(err);
            },
          });
          resolve({ status, headers, body: readable });
          return;
        }
        state = 'answered';
      },
      onResponseData(ctrl, chunk) {
        if (readable) {
          if (!readable.push(chunk)) ctrl.pause();
        } else if (state === 'answered') chunks.push(chunk);
      },
      onResponseEnd() {
        if (readable) {
          readable.push(null);
          return;
        }
        if (state !== 'answered') return;
        state = 'done';
        settle();
        resolve({ status, headers, body: Buffer.concat(chunks) });
      },
      onResponseError(_ctrl, err) {
        if (readable) {
          if (readable.destroyed) return;
          const stalled = (err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT';
          readable.destroy(
            stalled
              ? new TimeoutError({
                  status,
                  method: input.method,
                  url: input.url.toString(),
                  serviceMessage: `answer body stalled for ${input.timeoutMs} ms`,
                  cause: err,
                })
              : err,
          );
          return;
        }
        if (state === 'done') return;
        const sent = state !== 'queued';
        fail(new AttemptFailure('network', sent, streamRead, err.message, err));
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: input.url.origin,
          path: `${input.url.pathname}${input.url.search}`,
          method: input.method as Dispatcher.HttpMethod,
          headers: input.headers,
          body: body as Dispatcher.DispatchOptions['body'],
          // our own clocks above replace undici's, except between the chunks of a streamed answer
          headersTimeout: 0,
          bodyTimeout: input.stream ? input.timeoutMs : 0,
        },
        handler,
      );
    } catch (e) {
      // a closed or destroyed dispatcher refuses at once: nothing was written
      fail(new AttemptFailure('network', false, false, (e as Error).message, e));
    }
  });
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) h.append(k, item);
  }
  return h;
}
