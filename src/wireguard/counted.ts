/**
 * A view of a Neutron client that counts its calls and writes, so a pass can report (and tests prove) how
 * many calls it made and that a pass with no change wrote nothing.
 *
 * @example
 *   const c = { calls: 0, writes: 0 };
 *   const net2 = counted(net, c); // use net2; read c.calls, c.writes
 */
import type { ServiceClient } from '../openstack/client/service-client.ts';

export interface CallCounts {
  calls: number;
  writes: number;
}

const VERBS = new Set<PropertyKey>(['request', 'get', 'post', 'put', 'patch', 'delete']);

export function counted(client: ServiceClient, c: CallCounts): ServiceClient {
  return new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      // the verbs and `request` (updates go through it); on the target neither calls back into the view
      if (VERBS.has(prop))
        return (...args: unknown[]) => {
          c.calls++;
          const method = prop === 'request' ? String(args[0]).toLowerCase() : prop;
          if (method !== 'get' && method !== 'head') c.writes++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
