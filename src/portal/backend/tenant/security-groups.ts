/**
 * The default security groups every tenant gets: Waldur's DEFAULT_SECURITY_GROUPS (ssh 22, ping ICMP any
 * type, rdp 3389, web 80 and 443, each from 0.0.0.0/0, ingress IPv4). Found again by name in the tenant's
 * project; a group found again gets only the rules it is missing (one bulk create per group: Neutron
 * refuses a bulk create across groups), so a second run adds nothing.
 *
 * @example
 *   const groups = await ensureDefaultSecurityGroups(net, projectId, marker);
 */

import { collect } from '../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { securityGroupRules, securityGroups, tags } from '../../../openstack/networking/v2/index.ts';
import type { SecurityGroup } from '../../../openstack/networking/v2/security-groups/results.ts';
import { markerTag } from './common.ts';

export interface DefaultRule {
  protocol: 'tcp' | 'icmp';
  cidr: string;
  /** tcp only; ICMP rules match every type and code. */
  from_port?: number;
  to_port?: number;
}

export interface DefaultGroup {
  name: string;
  description: string;
  rules: readonly DefaultRule[];
}

const ANY = '0.0.0.0/0';

export const DEFAULT_SECURITY_GROUPS: readonly DefaultGroup[] = [
  {
    name: 'ssh',
    description: 'Security group for secure shell access',
    rules: [{ protocol: 'tcp', cidr: ANY, from_port: 22, to_port: 22 }],
  },
  { name: 'ping', description: 'Security group for ping', rules: [{ protocol: 'icmp', cidr: ANY }] },
  {
    name: 'rdp',
    description: 'Security group for remote desktop access',
    rules: [{ protocol: 'tcp', cidr: ANY, from_port: 3389, to_port: 3389 }],
  },
  {
    name: 'web',
    description: 'Security group for http and https access',
    rules: [
      { protocol: 'tcp', cidr: ANY, from_port: 80, to_port: 80 },
      { protocol: 'tcp', cidr: ANY, from_port: 443, to_port: 443 },
    ],
  },
];

const key = (protocol: unknown, min: unknown, max: unknown, cidr: unknown) =>
  `${protocol}|${min ?? ''}|${max ?? ''}|${cidr ?? ''}`;

export async function ensureDefaultSecurityGroups(
  net: ServiceClient,
  projectId: string,
  marker: string,
  groups: readonly DefaultGroup[] = DEFAULT_SECURITY_GROUPS,
): Promise<SecurityGroup[]> {
  const existing = await collect(
    securityGroups.list(net, { project_id: projectId, names: groups.map((g) => g.name) }),
  );
  const out: SecurityGroup[] = [];
  for (const g of groups) {
    let sg = existing.find((e) => e.name === g.name);
    if (!sg) {
      sg = await securityGroups.create(net, {
        name: g.name,
        description: g.description,
        project_id: projectId,
      });
      await tags.add(net, 'security-groups', sg.id, markerTag(marker));
    }
    out.push(sg);
  }
  const rules = await collect(
    securityGroupRules.list(net, { security_group_id: out.map((s) => s.id), direction: 'ingress' }),
  );
  for (const [i, g] of groups.entries()) {
    const sg = out[i]!;
    const have = new Set(
      rules
        .filter((r) => r.security_group_id === sg.id)
        .map((r) => key(r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix)),
    );
    const missing = g.rules
      .filter((r) => !have.has(key(r.protocol, r.from_port, r.to_port, r.cidr)))
      .map((r) => ({
        security_group_id: sg.id,
        project_id: projectId,
        direction: 'ingress' as const,
        ethertype: 'IPv4' as const,
        protocol: r.protocol,
        remote_ip_prefix: r.cidr,
        ...(r.from_port === undefined ? {} : { port_range_min: r.from_port, port_range_max: r.to_port }),
      }));
    if (missing.length > 0) await securityGroupRules.createMany(net, missing);
  }
  return out;
}
