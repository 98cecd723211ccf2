/**
 * Security group rules in Waldur's shape (`ethertype`, `direction`, `protocol` tcp | udp | icmp | '' for
 * any, `from_port`/`to_port` with -1 for "any", ICMP type and code in them, `cidr`, `remote_group`) and
 * their mapping to and from Neutron's, plus the difference `set_rules` applies.
 *
 * @example
 *   const { revoke, add } = ruleDiff(sg.security_group_rules, wanted.map(normalize));
 */

import type { CreateSecurityGroupRuleOpts } from '../../../../openstack/networking/v2/security-group-rules/requests.ts';
import type { SecurityGroupRule } from '../../../../openstack/networking/v2/security-group-rules/results.ts';
import { invalid, parseCidr } from '../shared/net-input.ts';

/** A rule as the API takes it (remote_group already a backend id when the backend sees it). */
export interface RuleInput {
  ethertype?: 'IPv4' | 'IPv6';
  direction?: 'ingress' | 'egress';
  protocol?: string;
  from_port?: number;
  to_port?: number;
  cidr?: string | null;
  description?: string;
  remote_group?: string | null;
}

/** A rule with every field filled in, as the portal shows it. */
export interface Rule {
  ethertype: string;
  direction: string;
  protocol: string;
  from_port: number;
  to_port: number;
  cidr: string | null;
  description: string;
  remote_group: string | null;
}

export const PROTOCOLS = ['tcp', 'udp', 'icmp', ''] as const;

/** Fills in Waldur's defaults: IPv4, ingress, any protocol, any port. */
export function normalize(r: RuleInput): Rule {
  return {
    ethertype: r.ethertype ?? 'IPv4',
    direction: r.direction ?? 'ingress',
    protocol: r.protocol ?? '',
    from_port: r.from_port ?? -1,
    to_port: r.to_port ?? -1,
    cidr: r.cidr ?? null,
    description: r.description ?? '',
    remote_group: r.remote_group ?? null,
  };
}

/** A Neutron rule in the portal's shape, with its id (Waldur's `_normalize_security_group_rule`). */
export function fromNeutron(r: SecurityGroupRule): Rule & { id: string } {
  return {
    id: r.id,
    ethertype: r.ethertype,
    direction: r.direction,
    protocol: r.protocol ?? '',
    from_port: r.port_range_min ?? -1,
    to_port: r.port_range_max ?? -1,
    cidr: r.remote_ip_prefix ?? null,
    description: r.description ?? '',
    remote_group: r.remote_group_id ?? null,
  };
}

/** The Neutron create body of a rule of group `sg`. */
export function toNeutron(sg: string, r: Rule): CreateSecurityGroupRuleOpts {
  const port = (n: number) => (n === -1 ? null : n);
  return {
    security_group_id: sg,
    ethertype: r.ethertype as 'IPv4' | 'IPv6',
    direction: r.direction as 'ingress' | 'egress',
    protocol: r.protocol === '' ? null : r.protocol,
    port_range_min: port(r.from_port),
    port_range_max: port(r.to_port),
    remote_ip_prefix: r.cidr,
    remote_group_id: r.remote_group,
    description: r.description,
  };
}

/** What makes two rules the same (Waldur's `_are_rules_equal`: every field, the description too). */
export function ruleKey(r: Rule): string {
  return JSON.stringify([
    r.ethertype,
    r.direction,
    r.protocol,
    r.from_port,
    r.to_port,
    r.cidr,
    r.remote_group,
    r.description,
  ]);
}

/** Rules to revoke (ids) and rules to add so that the group has exactly `wanted`. */
export function ruleDiff(
  current: readonly SecurityGroupRule[],
  wanted: readonly Rule[],
): { revoke: string[]; add: Rule[] } {
  const want = new Map(wanted.map((r) => [ruleKey(r), r]));
  const revoke: string[] = [];
  for (const r of current.map(fromNeutron)) {
    const key = ruleKey(r);
    if (want.has(key)) want.delete(key);
    else revoke.push(r.id);
  }
  return { revoke, add: [...want.values()] };
}

function checkPort(n: number, lo: number, hi: number, field: string): void {
  if (n !== -1 && (n < lo || n > hi)) throw invalid(field, `must be -1 (any) or ${lo}–${hi}`);
}

/** Waldur's rule checks, each naming its field under `path` (`body.rules[2]`). */
export function checkRule(input: RuleInput, path: string): void {
  const r = normalize(input);
  if (!(PROTOCOLS as readonly string[]).includes(r.protocol)) {
    throw invalid(`${path}.protocol`, 'must be one of tcp, udp, icmp or empty (any)');
  }
  if (r.protocol === 'icmp') {
    checkPort(r.from_port, 0, 255, `${path}.from_port`);
    checkPort(r.to_port, 0, 255, `${path}.to_port`);
    if (r.from_port === -1 && r.to_port !== -1) throw invalid(`${path}.to_port`, 'an ICMP code needs a type');
  } else if (r.protocol === 'tcp' || r.protocol === 'udp') {
    checkPort(r.from_port, 1, 65535, `${path}.from_port`);
    checkPort(r.to_port, 1, 65535, `${path}.to_port`);
    if ((r.from_port === -1) !== (r.to_port === -1)) {
      throw invalid(`${path}.to_port`, 'give both ports or neither (-1)');
    }
    if (r.from_port > r.to_port) throw invalid(`${path}.from_port`, 'must be <= to_port');
  } else {
    if (r.from_port !== -1) throw invalid(`${path}.from_port`, 'a port range needs a protocol');
    if (r.to_port !== -1) throw invalid(`${path}.to_port`, 'a port range needs a protocol');
  }
  if (r.cidr !== null) {
    const c = parseCidr(r.cidr, `${path}.cidr`);
    if (`IPv${c.version}` !== r.ethertype)
      throw invalid(`${path}.cidr`, `is IPv${c.version}, ethertype is ${r.ethertype}`);
    if (r.remote_group !== null) throw invalid(`${path}.remote_group`, 'give cidr or remote_group, not both');
  }
}

/** Every rule, and no rule twice (Waldur refuses duplicates). */
export function checkRules(rules: readonly RuleInput[], path: string): void {
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    checkRule(r, `${path}[${i}]`);
    const key = ruleKey(normalize(r));
    if (seen.has(key)) throw invalid(`${path}[${i}]`, 'is the same rule as an earlier one');
    seen.add(key);
  }
}
