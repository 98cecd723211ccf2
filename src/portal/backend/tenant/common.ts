/**
 * What the steps of a tenant's order chain share: the marker that finds an earlier attempt's objects again,
 * the names Waldur gives them, and a random password.
 *
 * @example
 *   markerTag('0f3c…'); // 'osnet-portal:0f3c…'
 *   tenantNames('Team A'); // { network: 'team-a-int-net', subnet: 'team-a-sub-net', router: 'team-a-router' }
 */
import { randomBytes } from 'node:crypto';
import { OsnetError } from '../../../lib/errors.ts';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';

/** The tag (Keystone project, Neutron objects) naming the portal resource an object was made for. */
export function markerTag(marker: string): string {
  return `osnet-portal:${marker}`;
}

/** Waldur's slug: lower case, runs of other characters as one dash, at most 25 characters. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 25);
  return s || 'tenant';
}

/** Names of the tenant's internal network, subnet and router (Waldur's `<slug>-int-net`, `-sub-net`). */
export function tenantNames(tenantName: string): { network: string; subnet: string; router: string } {
  const s = slug(tenantName);
  return { network: `${s}-int-net`, subnet: `${s}-sub-net`, router: `${s}-router` };
}

/** A random password for a generated OpenStack user (24 bytes, base64url: 32 characters). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** First item of an async iterable, or undefined. */
export async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const x of items) return x;
  return undefined;
}

/** A service from the catalog, or undefined when the cloud has none of that type (a Neutron-only cloud). */
export async function optionalService(cloud: Cloud, type: string): Promise<ServiceClient | undefined> {
  try {
    return await cloud.service(type);
  } catch (e) {
    if (e instanceof OsnetError && e.code === 'OSNET_ERR_OS_ENDPOINT') return undefined;
    throw e;
  }
}
