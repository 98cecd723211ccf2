/**
 * Audit events written by jobs (no request at hand): every state change and failure of a resource, with
 * the user who asked for it (kept in the job's payload) or none for scheduled work.
 */
import type { Kysely } from 'kysely';
import { newUuid, now } from '../store/index.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';

export interface Actor {
  uuid: string | null;
  username: string | null;
}

export async function resourceEvent(
  db: Kysely<PortalDB>,
  r: Pick<ResourceRow, 'uuid' | 'kind' | 'name' | 'customer_uuid'>,
  e: { event_type: string; message: string; actor?: Actor | undefined; context?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('portal_events')
    .values({
      uuid: newUuid(),
      created: now(),
      event_type: e.event_type,
      message: e.message,
      user_uuid: e.actor?.uuid ?? null,
      username: e.actor?.username ?? null,
      resource_type: r.kind,
      resource_uuid: r.uuid,
      customer_uuid: r.customer_uuid,
      context: JSON.stringify({ name: r.name, ...e.context }),
    })
    .execute();
}
