/**
 * Writes back to Neutron ports' binding:profile. Neutron replaces the profile whole, so every write is a
 * read-modify-write under If-Match (a 412 re-reads): keys of other tools are kept. Skip reasons are written
 * once, not every pass, and cleared when the port is valid again. Peer tags that disagree with a spoke's
 * profile are put right (the profile is the contract; the tags are the index `osnet wg` lists by).
 *
 * @example
 *   await mergeProfile(net, port, { osnet_wg_error: undefined }); // removes the key, keeps the others
 */
import { NotFoundError, PreconditionFailedError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports, tags } from '../openstack/networking/v2/index.ts';
import type { JsonValue, Port } from '../openstack/networking/v2/ports/results.ts';
import type { ApplyContext } from './apply.ts';
import type { Desired } from './desired.ts';
import { publicKeyOf } from './keys.ts';
import { ERROR_KEY, peerTag, ROTATION_KEY } from './model.ts';
import type { RotationStep } from './rotation.ts';

/** What a profile write needs of a port: its id, profile and revision (for If-Match). */
export type ProfilePort = Pick<Port, 'id' | 'binding:profile' | 'revision_number'>;

/** Sets (or, for `undefined`, removes) the keys of `patch` in the port's profile. */
export async function mergeProfile(
  net: ServiceClient,
  port: ProfilePort,
  patch: Record<string, JsonValue | undefined>,
): Promise<void> {
  let p: ProfilePort = port;
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

/**
 * Adds the peer tags a spoke's profile calls for and removes those it no longer does (this agent's hubs
 * only), for at most `budget` spokes a pass: a thousand spokes made by another tool are peered at once
 * and tagged over the next passes, not in one long pass.
 */
export async function fixTagDrift(
  net: ServiceClient,
  d: Desired,
  act: (s: string) => void,
  dry: boolean,
  budget: number,
): Promise<void> {
  for (const { port, missing, stale } of d.drift.slice(0, budget)) {
    for (const h of missing) {
      act(`spoke ${port}: drift: its profile peers with hub ${h} but it lacks tag ${peerTag(h)}: tag added`);
      if (!dry) await tags.add(net, 'ports', port, peerTag(h));
    }
    for (const h of stale) {
      act(`spoke ${port}: drift: tagged ${peerTag(h)} but its profile does not name hub ${h}: tag removed`);
      if (!dry)
        await tags.remove(net, 'ports', port, peerTag(h)).catch((e: unknown) => {
          if (!(e instanceof NotFoundError)) throw e;
        });
    }
  }
}

/** The hub's public key and endpoint (and rotation progress, router problem) back to its port, when they differ. */
export async function writeHubProfile(
  net: ServiceClient,
  ctx: Pick<ApplyContext, 'act' | 'dry'>,
  hub: Port,
  o: {
    endpoint: string;
    privateKey: string | undefined;
    rot: RotationStep;
    routerProblem: string | undefined;
  },
): Promise<void> {
  if (!o.privateKey) return;
  const have = hub['binding:profile'] ?? {};
  const pub = publicKeyOf(o.privateKey);
  const rotationChanged = JSON.stringify(o.rot.rotationOut) !== JSON.stringify(o.rot.req?.raw);
  if (
    have.public_key === pub &&
    have.endpoint === o.endpoint &&
    have[ERROR_KEY] === o.routerProblem &&
    !rotationChanged
  )
    return;
  ctx.act(
    `hub ${hub.id}: profile public_key ${pub}, endpoint ${o.endpoint}${o.routerProblem ? `; ${o.routerProblem}` : ''}`,
  );
  if (!ctx.dry)
    await mergeProfile(net, hub, {
      public_key: pub,
      endpoint: o.endpoint,
      [ERROR_KEY]: o.routerProblem,
      ...(rotationChanged ? { [ROTATION_KEY]: o.rot.rotationOut } : {}),
    });
}
