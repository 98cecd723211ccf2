/**
 * Request metrics of an HTTP app into a registry it is given: requests by server, route, method and
 * status, and a latency histogram. The route is the route's pattern (or `unmatched`), never the raw URL,
 * so ids in paths and queries cannot blow up the label set.
 *
 * @example
 *   const m = httpMetrics(prom, registry);
 *   app.addHook('onResponse', m.hook('internal'));
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { PromClient } from '../service/service.ts';

export interface HttpMetrics {
  hook(server: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

// Several apps (internal and external listeners) share one registry: one set of metrics per registry.
const perRegistry = new WeakMap<Registry, HttpMetrics>();

export function httpMetrics(prom: PromClient, registry: Registry): HttpMetrics {
  const had = perRegistry.get(registry);
  if (had) return had;
  const requests = new prom.Counter({
    name: 'osnet_http_requests_total',
    help: 'HTTP requests answered, by server, route, method and status',
    labelNames: ['server', 'route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new prom.Histogram({
    name: 'osnet_http_request_duration_seconds',
    help: 'Time from request to answer, by server, route and method',
    labelNames: ['server', 'route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const m: HttpMetrics = {
    hook(server) {
      return async (req, reply) => {
        const route = req.routeOptions.url ?? 'unmatched';
        requests.inc({ server, route, method: req.method, status: String(reply.statusCode) });
        latency.observe({ server, route, method: req.method }, reply.elapsedTime / 1000);
      };
    },
  };
  perRegistry.set(registry, m);
  return m;
}
