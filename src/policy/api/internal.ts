/**
 * The internal API, for enforcers (served on its own mutual-TLS listener: the client certificate is the
 * authentication, so these routes check nothing else):
 * `GET /networking/v0/internal/policies` (seed 003's shape: `destination.port`, the first port of a range),
 * `GET /networking/v1/internal/policies` (`destination.ports{start,end}`), both with `?id=a,b` matching
 * source or destination and an ETag (If-None-Match → 304);
 * `GET /networking/v1/internal/policies_last_updated` (epoch seconds, a bare JSON number as the public
 * server answers); `PUT /networking/v1/internal/tags` (`{id, type?}`: the group's tag, created if new;
 * `type` is echoed, default `app`, and not stored).
 *
 * @example
 *   registerInternalRoutes(app, { repo, hub });
 */
import type { App } from '../../server/app.ts';
import type { PolicyRecord, PolicyRepo } from '../model.ts';
import { listEtag, notModified } from './etag.ts';
import type { PolicyHub } from './events.ts';
import { IdQuery, TagBody } from './schemas.ts';
import { idList, toInternalV0, toInternalV1 } from './shapes.ts';

export interface InternalDeps {
  repo: PolicyRepo;
  hub: PolicyHub;
}

export function registerInternalRoutes(app: App, d: InternalDeps): void {
  const list = (version: 'v0' | 'v1', shape: (p: PolicyRecord) => unknown, total: boolean) =>
    app.get(
      `/networking/${version}/internal/policies`,
      { schema: { querystring: IdQuery } },
      async (req, reply) => {
        const ids = idList(req.query.id, 'query.id');
        const { version: v } = await d.repo.state();
        const etag = listEtag(v, [version, ids]);
        reply.header('etag', etag).header('cache-control', 'no-cache');
        if (notModified(req.headers['if-none-match'], etag)) return reply.code(304).send();
        const found = await d.repo.listPolicies(ids ? { ids } : {});
        const policies = found.map(shape);
        return total ? { total_policies: policies.length, policies } : { policies };
      },
    );
  list('v0', toInternalV0, false);
  list('v1', toInternalV1, true);

  app.get('/networking/v1/internal/policies_last_updated', async (_req, reply) => {
    const { lastUpdated } = await d.repo.state();
    return reply.type('application/json').send(String(Math.floor(lastUpdated.getTime() / 1000)));
  });

  app.put('/networking/v1/internal/tags', { schema: { body: TagBody } }, async (req) => {
    const before = (await d.repo.state()).version;
    const [g] = await d.repo.ensureGroups([req.body.id], null);
    if ((await d.repo.state()).version !== before) d.hub.emit({ kind: 'groups', count: 1 });
    return { id: g!.id, type: req.body.type ?? 'app', tag: g!.tag };
  });
}
