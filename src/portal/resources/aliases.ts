/**
 * Actions served at a second path: the seed's `POST /api/openstack-sgp/{uuid}/rules/` is `add_rule`,
 * `DELETE /api/openstack-sgp/{uuid}/rules/{rule_id}/` is `remove_rule` with the path's `rule_id` as its
 * body. The same handler as the action's own route runs (checks, refs, state, job), so the two cannot
 * drift apart; the body schema is the action's.
 *
 * @example
 *   registerAliases(app, '/api/openstack-sgp/', { tags, aliases, actions, answer, run });
 */
import { type TSchema, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../server/app.ts';
import { UuidParams } from '../api/schemas.ts';

export interface ActionAlias {
  method: 'POST' | 'DELETE';
  /** Below `…/{uuid}/`, Fastify's syntax: `rules/` or `rules/:rule_id/`. */
  path: string;
  action: string;
  /** Path parameter → body field (a DELETE has no body). */
  params?: Readonly<Record<string, string>> | undefined;
}

export function registerAliases(
  app: App,
  base: string,
  o: {
    tags: string[];
    aliases: readonly ActionAlias[] | undefined;
    actions: Readonly<Record<string, TSchema>>;
    answer: Record<string, TSchema>;
    run(
      req: FastifyRequest,
      reply: FastifyReply,
      action: string,
      body: Record<string, unknown>,
    ): Promise<unknown>;
  },
): void {
  for (const a of o.aliases ?? []) {
    const schema = o.actions[a.action];
    if (!schema) throw new Error(`${base}: alias of no action ${a.action}`);
    const params = Type.Object({
      ...UuidParams.properties,
      ...Object.fromEntries(
        Object.keys(a.params ?? {}).map((n) => [n, Type.String({ minLength: 1, maxLength: 64 })]),
      ),
    });
    const route = {
      schema: {
        tags: o.tags,
        params,
        ...(a.method === 'POST' ? { body: schema } : {}),
        response: o.answer,
        description: `the seed's path of \`${a.action}\``,
      },
    };
    const handler = (req: FastifyRequest, reply: FastifyReply) => {
      const p = req.params as Record<string, string>;
      const fromPath = Object.fromEntries(Object.entries(a.params ?? {}).map(([n, field]) => [field, p[n]]));
      const body = { ...((req.body as Record<string, unknown> | undefined) ?? {}), ...fromPath };
      return o.run(req, reply, a.action, body);
    };
    if (a.method === 'POST') app.post(`${base}:uuid/${a.path}`, route, handler);
    else app.delete(`${base}:uuid/${a.path}`, route, handler);
  }
}
