/**
 * The HTTP app factory every osnet API is built on (the policy server, the portal): fastify with TypeBox
 * types, the redacting logger, one error answer (error-handler.ts), request metrics (metrics.ts), optional
 * TLS or mutual TLS (tls.ts), a HOST:PORT or unix-socket listener (src/service/listen.ts) and a graceful
 * close that lets in-flight requests finish.
 *
 * Request logging is our own, at debug level, and carries method, route, status and time only: no header is
 * ever logged, so tokens, cookies and Authorization cannot reach the log.
 *
 * @example
 *   const app = createApp({ name: 'internal', log, prom, metrics, tls: mutualTls({ ca, cert, key }) });
 *   app.get('/x', { schema: { querystring: Type.Object({ id: Type.String() }) } }, async (req) => req.query.id);
 *   const addr = await listenOn(app, '127.0.0.1:4003', '--internal-listen');
 *   await app.close();
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../lib/log.ts';
import { formatListen, type ListenAddress, parseListen } from '../service/listen.ts';
import type { PromClient } from '../service/service.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { httpMetrics } from './metrics.ts';
import { type MutualTls, type ServerTls, tlsOptions } from './tls.ts';

/** An https app is typed as an http one: routes see the same IncomingMessage either way. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppOptions {
  /** Names the app in logs and in the `server` label of its metrics. */
  name: string;
  log: Logger;
  prom: PromClient;
  metrics: Registry;
  /** Plain HTTP when absent. */
  tls?: ServerTls | MutualTls | undefined;
  /** Largest request body, bytes (default 1 MiB). */
  bodyLimit?: number;
}

export function createApp(o: AppOptions): App {
  const app = Fastify({
    loggerInstance: o.log.child({ server: o.name }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: o.bodyLimit ?? 1024 * 1024,
    // idle keep-alive connections are closed at close(); busy ones finish their request first
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: {
      customOptions: {
        // an unknown field is an error naming it, not silently dropped
        removeAdditional: false,
        allErrors: false,
        coerceTypes: 'array',
      },
    },
    ...(o.tls ? { https: tlsOptions(o.tls) } : {}),
  }) as unknown as App;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', httpMetrics(o.prom, o.metrics).hook(o.name));
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
  return app;
}

/** Listens on `spec` (see parseListen; `field` names the flag in errors) and returns the bound address. */
export async function listenOn(app: App, spec: string, field: string): Promise<ListenAddress> {
  const addr = parseListen(spec, field);
  if ('path' in addr) await app.listen({ path: addr.path });
  else await app.listen({ host: addr.host, port: addr.port });
  const bound = app.server.address();
  const out = bound && typeof bound === 'object' ? { host: bound.address, port: bound.port } : addr;
  app.log.info({ address: formatListen(out) }, 'listening');
  return out;
}
