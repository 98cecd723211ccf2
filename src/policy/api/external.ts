/**
 * The external v1 API (Keystone-authenticated, see access.ts for who may do what):
 * `GET /networking/v1/external/policies` (`?id=a,b` source or destination, `source_id=`, `dest_id=`),
 * `POST /networking/v1/external/policies` (create; existing ones are no-ops),
 * `POST /networking/v1/external/policies/delete` (missing ones are not an error),
 * `GET /networking/v1/external/tags`. Bodies are checked whole before anything is written, and the
 * store writes them in one transaction: all or nothing.
 *
 * @example
 *   registerExternalRoutes(app, { repo, tokens, hub });
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../server/app.ts';
import type { PolicyRepo } from '../model.ts';
import { checkWrite, readScope } from './access.ts';
import { type Caller, requestToken, type TokenValidator } from './auth.ts';
import { listEtag, notModified } from './etag.ts';
import type { PolicyHub } from './events.ts';
import { ExternalQuery, PoliciesBody } from './schemas.ts';
import { idList, policiesFromBody, toExternal } from './shapes.ts';

export interface ExternalDeps {
  repo: PolicyRepo;
  tokens: TokenValidator;
  hub: PolicyHub;
}

const BASE = '/networking/v1/external';

export function registerExternalRoutes(app: App, d: ExternalDeps): void {
  const caller = (req: FastifyRequest): Promise<Caller> => d.tokens.validate(requestToken(req.headers));

  app.get(`${BASE}/policies`, { schema: { querystring: ExternalQuery } }, async (req, reply) => {
    const c = await caller(req);
    const filter = {
      ids: idList(req.query.id, 'query.id'),
      sourceIds: idList(req.query.source_id, 'query.source_id'),
      destIds: idList(req.query.dest_id, 'query.dest_id'),
      projectId: readScope(c),
    };
    const { version } = await d.repo.state();
    const etag = listEtag(version, ['external', filter]);
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (notModified(req.headers['if-none-match'], etag)) return reply.code(304).send();
    const list = await d.repo.listPolicies(filter);
    return { total_policies: list.length, policies: list.map(toExternal) };
  });

  app.post(`${BASE}/policies`, { schema: { body: PoliciesBody } }, async (req) => {
    const c = await caller(req);
    const policies = policiesFromBody(req.body);
    await checkWrite(d.repo, c, policies);
    const { created } = await d.repo.createPolicies(policies, c.projectId ?? null);
    if (created > 0) d.hub.emit({ kind: 'policies', count: created });
    return {};
  });

  app.post(`${BASE}/policies/delete`, { schema: { body: PoliciesBody } }, async (req) => {
    const c = await caller(req);
    const policies = policiesFromBody(req.body);
    await checkWrite(d.repo, c, policies);
    const { deleted } = await d.repo.deletePolicies(policies);
    if (deleted > 0) d.hub.emit({ kind: 'policies', count: deleted });
    return {};
  });

  app.get(`${BASE}/tags`, async (req) => {
    const c = await caller(req);
    const project = readScope(c);
    const groups = await d.repo.groups(project === undefined ? {} : { projectId: project });
    return { tags: groups.map((g) => ({ id: g.id, tag: g.tag, type: 'app' })) };
  });
}
