/**
 * Writes back to Neutron ports' binding:profile. Neutron replaces the profile whole, so every write is a
 * read-modify-write under If-Match (a 412 re-reads): keys of other tools are kept. Skip reasons are written
 * once, not every pass, and cleared when the port is valid again.
 *
 * @example
 *   await mergeProfile(net, port, { osnet_wg_error: undefined }); // removes the key, keeps the others
 */
import { PreconditionFailedError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports } from '../openstack/networking/v2/index.ts';
import type { JsonValue, Port } from '../openstack/networking/v2/ports/results.ts';
import type { Desired } from './desired.ts';
import { ERROR_KEY } from './model.ts';

/** Sets (or, for `undefined`, removes) the keys of `patch` in the port's profile. */
export async function mergeProfile(
  net: ServiceClient,
  port: Port,
  patch: Record<string, JsonValue | undefined>,
): Promise<void> {
  let p = port;
  for (let attempt = 0; ; attempt++) {
    const profile: Record<string, JsonValue> = { ...(p['binding:profile'] ?? {}) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete profile[k];
      else profile[k] = v;
    }
    try {
      await ports.update(net, p.id, { 'binding:profile': profile }, { ifMatch: p.revision_number });
      return;
    } catch (e) {
      if (!(e instanceof PreconditionFailedError) || attempt > 2) throw e;
      p = await ports.get(net, p.id);
    }
  }
}

/** Why each invalid spoke was skipped goes to its profile (once); a valid one's old reason is cleared. */
export async function writeSpokeReasons(
  net: ServiceClient,
  d: Desired,
  skipped: { port: string; reason: string }[],
  act: (s: string) => void,
  dry: boolean,
): Promise<void> {
  for (const [id, reason] of d.spokeErrors) {
    const s = d.spokes.get(id)!;
    skipped.push({ port: id, reason });
    if (s['binding:profile']?.[ERROR_KEY] !== reason) {
      act(`spoke ${id}: skipped, reason written back: ${reason}`);
      if (!dry) await mergeProfile(net, s, { [ERROR_KEY]: reason });
    }
  }
  for (const [id] of d.parsed) {
    const s = d.spokes.get(id)!;
    if (!d.spokeErrors.has(id) && s['binding:profile']?.[ERROR_KEY] !== undefined) {
      act(`spoke ${id}: valid again, error cleared`);
      if (!dry) await mergeProfile(net, s, { [ERROR_KEY]: undefined });
    }
  }
}
