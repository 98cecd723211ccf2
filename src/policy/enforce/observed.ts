/**
 * What Neutron has: osnet's membership groups (one paginated list by tag, every project: the reconciler
 * runs as admin) and their ingress rules (one paginated list filtered by many security_group_id at once,
 * in chunks that keep the URL short), and which of a set of groups ports still use.
 *
 * @example
 *   const seen = await observe(net);
 *   const used = await groupsInUse(net, ['sg-1', 'sg-2']);
 */
import { collect } from '../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as ports from '../../openstack/networking/v2/ports/index.ts';
import * as rules from '../../openstack/networking/v2/security-group-rules/index.ts';
import * as securityGroups from '../../openstack/networking/v2/security-groups/index.ts';
import { GROUP_TAG, type RuleShape } from './naming.ts';

export interface ObservedGroup {
  id: string;
  name: string;
  description: string;
  project_id: string;
  created_at: string;
}

export interface ObservedRule extends RuleShape {
  id: string;
}

export interface Observed {
  groups: ObservedGroup[];
  /** Ingress rules of those groups (egress is Neutron's default and left alone). */
  rules: ObservedRule[];
  /** GET requests made. */
  calls: number;
}

/** Ids per request: 36-character ids, well under the 8 KiB request line of Neutron's WSGI server. */
export const IDS_PER_CALL = 100;
const PAGE = 1000;

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** A view of `client` that counts its GETs (each page of a list is one). */
function counting(client: ServiceClient, count: { n: number }): ServiceClient {
  return new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === 'get' && typeof v === 'function')
        return (...a: unknown[]) => {
          count.n++;
          return (v as (...x: unknown[]) => unknown).apply(target, a);
        };
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** `tag`: the Neutron tag marking the groups this reconciler owns (default {@link GROUP_TAG}). */
export async function observe(net: ServiceClient, tag = GROUP_TAG): Promise<Observed> {
  const count = { n: 0 };
  const c = counting(net, count);
  const groups = await collect(
    securityGroups.list(c, {
      tags: [tag],
      fields: ['id', 'name', 'description', 'project_id', 'created_at'],
      limit: PAGE,
    }),
  );
  const found: ObservedRule[] = [];
  for (const ids of chunks(
    groups.map((g) => g.id),
    IDS_PER_CALL,
  )) {
    for await (const r of rules.list(c, {
      security_group_id: ids,
      direction: 'ingress',
      fields: [
        'id',
        'security_group_id',
        'ethertype',
        'protocol',
        'port_range_min',
        'port_range_max',
        'remote_group_id',
        'remote_ip_prefix',
        'remote_address_group_id',
      ],
      limit: PAGE,
    }))
      found.push(r);
  }
  return { groups, rules: found, calls: count.n };
}

/** The ones of `sgIds` that some port (of any project) still has. */
export async function groupsInUse(net: ServiceClient, sgIds: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(sgIds);
  const used = new Set<string>();
  for (const ids of chunks(sgIds, IDS_PER_CALL)) {
    for await (const p of ports.list(net, { security_groups: ids, fields: ['id', 'security_groups'] }))
      for (const sg of p.security_groups) if (wanted.has(sg)) used.add(sg);
  }
  return used;
}
