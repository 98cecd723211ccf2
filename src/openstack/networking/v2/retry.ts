/**
 * Neutron's own retry rule, handed to its ServiceClient by the Cloud: these 409 types come back while a
 * resource is still being released (ports of a network being deleted, a subnet's last port going away),
 * and a short wait fixes them. The transport consults it for idempotent, unconditional calls only.
 */
import { parseServiceError } from '../../http/errors.ts';
import type { TransportResponse } from '../../http/transport.ts';

export const NEUTRON_RETRIABLE_CONFLICTS = new Set([
  'NetworkInUse',
  'SubnetInUse',
  'SecurityGroupInUse',
  'RouterInUse',
]);

export function neutronRetriable(res: TransportResponse): boolean {
  return res.status === 409 && NEUTRON_RETRIABLE_CONFLICTS.has(parseServiceError(res.body).type ?? '');
}
