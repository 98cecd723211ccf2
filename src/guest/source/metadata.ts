/**
 * The metadata service source: GET network_data.json with a per-attempt timeout and a bounded number of
 * retries with exponential backoff. Early in boot (or right after a NIC hot-add) the link-local service can
 * be unreachable or answer 5xx for a moment, so those are retried; a 404 means the cloud has no
 * network_data.json and is final.
 *
 * @example
 *   const raw = await fetchMetadata({ url: 'http://169.254.169.254/openstack/latest/network_data.json' });
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OsnetError } from '../../lib/errors.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import { decodeJson } from './decode.ts';

export const DEFAULT_METADATA_URL = 'http://169.254.169.254/openstack/latest/network_data.json';

export interface MetadataOptions {
  url?: string;
  /** Attempts in total (first try included). */
  attempts?: number;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  /** First backoff delay in ms; doubles each retry, capped at maxDelayMs. */
  delayMs?: number;
  maxDelayMs?: number;
  log?: Logger;
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Fetches and JSON-decodes network_data.json from the metadata service. */
export async function fetchMetadata(opts: MetadataOptions = {}): Promise<unknown> {
  const url = opts.url ?? DEFAULT_METADATA_URL;
  const attempts = Math.max(1, opts.attempts ?? 5);
  const timeoutMs = opts.timeoutMs ?? 5000;
  let delay = opts.delayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 8000;
  let last = '';
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      const body = await res.text();
      if (res.ok) return decodeJson(body, url);
      last = `HTTP ${res.status}`;
      if (!retryable(res.status)) break;
    } catch (err) {
      if (err instanceof OsnetError) throw err;
      const e = err as Error & { cause?: { code?: string } };
      last = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    }
    opts.log?.warn({ url, attempt: i, attempts, error: last }, 'metadata service not answering yet');
    if (i < attempts) {
      await sleep(delay);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
  throw new OsnetError('OSNET_ERR_SOURCE', `metadata service ${url}: ${last}`, {
    field: '--metadata-url',
    url,
  });
}
