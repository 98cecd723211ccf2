/**
 * The one place where an attachment port's security groups are chosen (the pool key, the create and the
 * claim all take this answer). Undefined leaves Neutron's choice: the project's default group.
 *
 * @example
 *   const sgs = await securityGroupsFor(req); // ['<sg id>', …] or undefined
 */
import type { AddRequest } from '../cni/protocol.ts';

export async function securityGroupsFor(req: AddRequest): Promise<string[] | undefined> {
  return req.security_group_ids;
}
