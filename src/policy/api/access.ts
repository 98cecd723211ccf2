/**
 * Who may do what on the external API. Admin (the admin role) sees and changes everything. Anyone else
 * needs a project-scoped token and sees only policies and groups of that project: another project's
 * groups are left out of lists as if absent. Writing (create, delete) also needs the `member` role. A
 * member who names, in a create or delete, a group that exists in another project (or one registered
 * through the internal API, which has no project) is refused with 403 naming that field, and nothing is
 * written: the group cannot be taken over, and the answer does not say which project holds it. A group not
 * yet known is created in the member's project.
 *
 * @example
 *   const scope = readScope(caller);                 // projectId filter, or undefined for admin
 *   await checkWrite(repo, caller, policies);        // throws OSNET_ERR_PERMISSION naming the field
 */
import { OsnetError } from '../../lib/errors.ts';
import type { Policy, PolicyRepo } from '../model.ts';
import type { Caller } from './auth.ts';

const forbidden = (message: string, field?: string) =>
  new OsnetError('OSNET_ERR_PERMISSION', message, field === undefined ? {} : { field });

/** The project a caller's reads are limited to; undefined: all (admin). */
export function readScope(c: Caller): string | undefined {
  if (c.admin) return undefined;
  if (!c.projectId) throw forbidden('a project-scoped token is required');
  return c.projectId;
}

/** Throws unless `c` may create or delete every one of `policies` (see the module comment). */
export async function checkWrite(repo: PolicyRepo, c: Caller, policies: Policy[]): Promise<void> {
  if (c.admin) return;
  const project = readScope(c)!;
  if (!c.roles.includes('member')) throw forbidden('changing policies needs the member role');
  const ids = [...new Set(policies.flatMap((p) => [p.source, p.destination]))];
  if (ids.length === 0) return;
  const foreign = new Set(
    (await repo.groups({ ids })).filter((g) => g.projectId !== project).map((g) => g.id),
  );
  policies.forEach((p, i) => {
    for (const [end, id] of [
      ['source', p.source],
      ['destination', p.destination],
    ] as const) {
      if (foreign.has(id))
        throw forbidden(`group ${id} is not in your project`, `body.policies[${i}].${end}.id`);
    }
  });
}
