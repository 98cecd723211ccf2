/**
 * The skeleton of every long-running osnet service (the guest's `watch`, the CNI daemon, the WireGuard
 * agent): a redacting logger, a Prometheus registry, `/healthz`, `/health` (the service's own check of its
 * dependencies, when it sets one), `/readyz` and `/metrics` over node:http on
 * a local port or unix socket, and a graceful stop on SIGTERM/SIGINT: readiness turns 503 first, the
 * service's own `stop` runs (bounded by `shutdownTimeoutMs`), then the server closes and the process exits 0.
 * A second signal, a stop that overruns or `ctx.fail(err)` ends it with an error status instead.
 *
 * @example
 *   process.exitCode = await runService({
 *     name: 'osnet-guest', listen: 'unix:/run/osnet-guest.sock', log,
 *     start: async (ctx) => { const w = new Watcher(...); await w.start(); return { stop: () => w.stop() }; },
 *   });
 */
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { Registry } from 'prom-client';
import { OsnetError, toOsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { formatListen, type ListenAddress, parseListen } from './listen.ts';

export type PromClient = typeof import('prom-client');

export interface ServiceContext {
  log: Logger;
  /** The service's registry; `/metrics` serves it (process metrics included). */
  metrics: Registry;
  /** prom-client itself, loaded with the service (so a capability never loads it at startup of a CLI). */
  prom: PromClient;
  /** Aborted when the shutdown starts. */
  signal: AbortSignal;
  /** Readiness after start (ready by default once `start` resolves); the reason shows on `/readyz`. */
  setReady(ready: boolean, reason?: string): void;
  /** Ends the service with `err`'s exit status (a fault it cannot live with). */
  fail(err: unknown): void;
  /**
   * What `/health` runs (it throws when a dependency the service needs, such as its store, cannot answer).
   * Without one, `/health` answers like `/healthz`.
   */
  setHealthCheck(check: () => Promise<void>): void;
}

export interface ServiceHandle {
  stop(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  log: Logger;
  /** See listen.ts; absent: no HTTP endpoints. */
  listen?: string | undefined;
  /** Longest the service's own stop may take, ms (default 10 s). */
  shutdownTimeoutMs?: number;
  start(ctx: ServiceContext): Promise<ServiceHandle>;
}

interface State {
  ready: boolean;
  reason: string;
  stopping: boolean;
  health?: () => Promise<void>;
}

const HEALTH_TIMEOUT_MS = 5000;

/** Runs the health check, bounded: a store that hangs is as unhealthy as one that fails. */
async function checkHealth(state: State): Promise<string | undefined> {
  if (!state.health) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      state.health(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
          HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
    return undefined;
  } catch (err) {
    return toOsnetError(err).message;
  } finally {
    clearTimeout(timer);
  }
}

function answer(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function handler(state: State, metrics: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && path === '/healthz') {
      answer(res, 200, '{"status":"ok"}\n');
      return;
    }
    if (get && path === '/health') {
      void checkHealth(state).then((failing) =>
        answer(
          res,
          failing === undefined ? 200 : 503,
          `${JSON.stringify(failing === undefined ? { status: 'ok' } : { status: 'failing', reason: failing })}\n`,
        ),
      );
      return;
    }
    if (get && path === '/readyz') {
      const ok = state.ready && !state.stopping;
      const reason = state.stopping ? 'shutting down' : state.reason;
      answer(res, ok ? 200 : 503, `${JSON.stringify(ok ? { ready: true } : { ready: false, reason })}\n`);
      return;
    }
    if (get && path === '/metrics') {
      metrics.metrics().then(
        (text) => answer(res, 200, text, metrics.contentType),
        (err: Error) =>
          answer(res, 500, `${JSON.stringify({ code: 'OSNET_ERR_INTERNAL', message: err.message })}\n`),
      );
      return;
    }
    const e = new OsnetError(
      'OSNET_ERR_NOT_FOUND',
      `no ${req.method} ${path} here (GET /healthz, /health, /readyz, /metrics)`,
    );
    answer(res, e.httpStatus, `${JSON.stringify(e.toJSON())}\n`);
  };
}

async function listen(server: Server, addr: ListenAddress): Promise<ListenAddress> {
  if ('path' in addr) {
    await mkdir(dirname(addr.path), { recursive: true });
    // A socket left by a killed predecessor would make listen fail with EADDRINUSE.
    await rm(addr.path, { force: true });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in addr) server.listen(addr.path, done);
    else server.listen(addr.port, addr.host, done);
  });
  const bound = server.address();
  return bound && typeof bound === 'object' ? { host: bound.address, port: bound.port } : addr;
}

/** Runs a service until SIGTERM/SIGINT (resolves with 0) or a fault (rejects with it). See the module comment. */
export async function runService(opts: ServiceOptions): Promise<number> {
  const { log } = opts;
  const addr = opts.listen ? parseListen(opts.listen) : undefined;
  const prom = await import('prom-client');
  const metrics = new prom.Registry();
  prom.collectDefaultMetrics({ register: metrics });
  const state: State = { ready: false, reason: 'starting', stopping: false };
  new prom.Gauge({
    name: 'osnet_service_ready',
    help: '1 while the service reports ready on /readyz',
    registers: [metrics],
    collect() {
      this.set(state.ready && !state.stopping ? 1 : 0);
    },
  });

  const abort = new AbortController();
  let failure: OsnetError | undefined;
  let wake: (why: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => {
    wake = resolve;
  });
  const onSignal = (sig: NodeJS.Signals) => {
    if (state.stopping) {
      log.warn({ signal: sig }, 'second signal: exiting without waiting for the stop');
      process.exit(failure?.exitCode ?? 1);
    }
    wake(sig);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const server = addr ? createServer(handler(state, metrics)) : undefined;
  try {
    if (server && addr) {
      const bound = await listen(server, addr);
      log.info({ address: formatListen(bound) }, 'listening');
    }
    const ctx: ServiceContext = {
      log,
      metrics,
      prom,
      signal: abort.signal,
      setReady(ready, reason = ready ? '' : 'not ready') {
        state.ready = ready;
        state.reason = reason;
      },
      fail(err) {
        failure ??= toOsnetError(err);
        wake('failure');
      },
      setHealthCheck(check) {
        state.health = check;
      },
    };
    // A signal during start is honoured once start returns (the service may watch ctx.signal to cut it short).
    const started = opts.start(ctx);
    void stopRequested.then(() => abort.abort());
    const handle = await started;
    if (!abort.signal.aborted && state.reason === 'starting') ctx.setReady(true);
    log.info({ service: opts.name }, 'started');

    const why = await stopRequested;
    state.stopping = true;
    log.info({ reason: why }, 'shutting down');
    const limit = opts.shutdownTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const overran = await Promise.race([
      handle.stop().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), limit);
      }),
    ]).finally(() => clearTimeout(timer));
    if (overran) {
      failure ??= new OsnetError('OSNET_ERR_INTERNAL', `${opts.name} did not stop within ${limit} ms`);
      // The stuck stop may hold the event loop open for good: once the failure is reported, leave anyway.
      const code = failure.exitCode;
      setTimeout(() => process.exit(code), 1000).unref();
    }
  } catch (err) {
    failure ??= toOsnetError(err);
  } finally {
    state.stopping = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (addr && 'path' in addr) await rm(addr.path, { force: true });
    }
  }
  if (failure) {
    log.error({ code: failure.code, err: failure.message }, 'stopped on failure');
    throw failure;
  }
  log.info('stopped');
  return 0;
}
