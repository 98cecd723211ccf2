/**
 * The audit log: every change is recorded, in the transaction of the change, with who did it, to what and
 * how; every refused or failed request is recorded once answered (route, status, code, never the body or
 * headers, which can hold passwords and tokens).
 *
 * @example
 *   await record(trx, req, { event_type: 'customer_creation_succeeded', message: `…`, resource: ['customer', uuid],
 *     customer: uuid, context: { name } });
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { newUuid, now } from '../store/index.ts';
import type { PortalDB } from '../store/schema.ts';
import type { Caller, PortalDeps } from './context.ts';

export interface AuditEvent {
  event_type: string;
  message: string;
  /** [type, uuid] of the object the event is about. */
  resource?: [string, string] | undefined;
  /** The organisation the object belongs to (owners of it may read the event). */
  customer?: string | null | undefined;
  context?: Record<string, unknown>;
  /** The actor, when it is not the request's caller (a login names the user logging in). */
  actor?: Caller | { uuid: null; username: string } | undefined;
}

export async function record(db: Kysely<PortalDB>, req: FastifyRequest, e: AuditEvent): Promise<void> {
  const actor = e.actor ?? req.caller;
  await db
    .insertInto('portal_events')
    .values({
      uuid: newUuid(),
      created: now(),
      event_type: e.event_type,
      message: e.message,
      user_uuid: actor?.uuid ?? null,
      username: actor?.username ?? null,
      resource_type: e.resource?.[0] ?? null,
      resource_uuid: e.resource?.[1] ?? null,
      customer_uuid: e.customer ?? null,
      context: JSON.stringify({ method: req.method, route: req.routeOptions.url ?? null, ...e.context }),
    })
    .execute();
}

/** The hooks that record failures (onError sees the error, onResponse knows the status). */
export function auditFailures(d: PortalDeps) {
  return {
    onError: async (
      req: FastifyRequest,
      _reply: FastifyReply,
      err: Error & { code?: string; validation?: unknown },
    ) => {
      req.failureCode = err.validation ? 'OSNET_ERR_VALIDATION' : (err.code ?? 'OSNET_ERR_INTERNAL');
    },
    onResponse: async (req: FastifyRequest, reply: FastifyReply) => {
      if (reply.statusCode < 400) return;
      const route = req.routeOptions.url ?? 'unmatched';
      await record(d.store.db, req, {
        event_type: 'request_failed',
        message: `${req.method} ${route} failed with ${reply.statusCode}`,
        context: { status: reply.statusCode, code: req.failureCode ?? null },
      }).catch((err) => req.log.error({ err }, 'audit: cannot record a failure'));
    },
  };
}
