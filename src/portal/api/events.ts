/**
 * `GET /api/events/`: the audit log, newest first, paginated like every list, filtered by `event_type`,
 * `user_uuid`, `resource_uuid`, `resource_type` and a time range (`created_from` inclusive, `created_to`
 * exclusive, ISO-8601). Staff read everything; others the events they caused and those of organisations
 * they own.
 *
 * @example
 *   registerEventRoutes(app, deps);
 */
import type { App } from '../../server/app.ts';
import type { EventRow } from '../store/schema.ts';
import { ownedCustomers } from './access.ts';
import { callerOf, type PortalDeps } from './context.ts';
import { tableCount } from './kept-counts.ts';
import { page } from './pagination.ts';
import { ErrorBody, Event, EventQuery, List } from './schemas.ts';
import { eventOut } from './shapes.ts';

export function registerEventRoutes(app: App, d: PortalDeps): void {
  const db = d.store.db;
  app.get(
    '/api/events/',
    {
      schema: {
        tags: ['events'],
        querystring: EventQuery,
        response: { 200: List(Event), default: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const f = req.query;
      let q = db.selectFrom('portal_events').selectAll();
      // one IN over a union of two index lookups, not an OR: PostgreSQL scanned the table for the OR
      if (!c.staff)
        q = q.where(
          'uuid',
          'in',
          db
            .selectFrom('portal_events')
            .select('uuid')
            .where('user_uuid', '=', c.uuid)
            .union(
              db
                .selectFrom('portal_events')
                .select('uuid')
                .where('customer_uuid', 'in', ownedCustomers(db, c)),
            ),
        );
      if (f.event_type !== undefined) q = q.where('event_type', '=', f.event_type);
      if (f.user_uuid !== undefined) q = q.where('user_uuid', '=', f.user_uuid);
      if (f.resource_uuid !== undefined) q = q.where('resource_uuid', '=', f.resource_uuid);
      if (f.resource_type !== undefined) q = q.where('resource_type', '=', f.resource_type);
      // stored as toISOString() text: the bounds in the same form compare as times
      if (f.created_from !== undefined) q = q.where('created', '>=', new Date(f.created_from).toISOString());
      if (f.created_to !== undefined) q = q.where('created', '<', new Date(f.created_to).toISOString());
      const { page: _p, page_size: _s, cursor: _c, ...filters } = f;
      const whole = c.staff && Object.values(filters).every((v) => v === undefined);
      return page(req, reply, q, {
        orderBy: 'created',
        desc: true,
        shape: (e: EventRow) => eventOut(e),
        count: async () => (whole ? tableCount(db, 'portal_events') : undefined),
        rowsOf: (uuids) => db.selectFrom('portal_events').selectAll().where('uuid', 'in', uuids),
        keyset: true,
      });
    },
  );
}
