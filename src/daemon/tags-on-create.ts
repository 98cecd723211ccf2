/**
 * Whether Neutron keeps the tags of a port create body (the `tag-ports-during-bulk-creation` extension):
 * then a port is tagged in its create, not by one more call per port. ML2/OVN loads that extension driver
 * but leaves its alias out of `GET /extensions`, so when the alias is missing one create is sent on a
 * network id that cannot exist: Neutron checks the body's attributes before it looks for the network, so a
 * 404 (no such network) says `tags` was accepted and a 400 (unrecognized attribute) says it was not.
 * Nothing is ever made: should a port come back after all, it is deleted at once.
 *
 * @example
 *   const tagged = await tagsOnCreate(net); // true: send `tags` in creates
 */
import { NotFoundError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { missingExtensions } from '../openstack/networking/v2/extensions/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';

export const TAG_ON_CREATE = 'tag-ports-during-bulk-creation';
/** A version-4 UUID no network has: all zeros but the version and variant digits. */
export const NO_NETWORK = '00000000-0000-4000-8000-000000000000';

export async function tagsOnCreate(net: ServiceClient): Promise<boolean> {
  const missing = await missingExtensions(net, [TAG_ON_CREATE]).catch(() => [TAG_ON_CREATE]);
  if (missing.length === 0) return true;
  try {
    const p = await ports.create(net, { network_id: NO_NETWORK, tags: ['osnet-tag-probe'] });
    await ports.removeIfExists(net, p.id);
    return Array.isArray(p.tags) && p.tags.includes('osnet-tag-probe');
  } catch (e) {
    return e instanceof NotFoundError;
  }
}
