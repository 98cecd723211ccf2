/** Rows as the API shows them (Waldur's field names; `url` absolute, flags as booleans). */
import type { FastifyRequest } from 'fastify';
import type { CustomerRow, EventRow, ProjectRow, RoleRow, UserRow } from '../store/schema.ts';
import { objectUrl } from './context.ts';

export function userOut(req: FastifyRequest, u: UserRow) {
  return {
    uuid: u.uuid,
    url: objectUrl(req, 'users', u.uuid),
    username: u.username,
    email: u.email,
    full_name: u.full_name,
    is_staff: u.is_staff === 1,
    is_active: u.is_active === 1,
    created: u.created,
    modified: u.modified,
  };
}

export function customerOut(req: FastifyRequest, c: CustomerRow) {
  return { ...c, url: objectUrl(req, 'customers', c.uuid) };
}

export function projectOut(req: FastifyRequest, p: ProjectRow & { customer_name: string }) {
  return {
    uuid: p.uuid,
    url: objectUrl(req, 'projects', p.uuid),
    name: p.name,
    description: p.description,
    customer: objectUrl(req, 'customers', p.customer_uuid),
    customer_uuid: p.customer_uuid,
    customer_name: p.customer_name,
    created: p.created,
    modified: p.modified,
  };
}

export function roleOut(req: FastifyRequest, r: RoleRow & { username: string; full_name: string }) {
  return {
    user_uuid: r.user_uuid,
    user_url: objectUrl(req, 'users', r.user_uuid),
    user_username: r.username,
    user_full_name: r.full_name,
    role_name: r.role,
    created: r.created,
    created_by_uuid: r.created_by,
  };
}

export function eventOut(e: EventRow) {
  return { ...e, context: JSON.parse(e.context) as Record<string, unknown> };
}
