/**
 * How a policy group and its policies look in Neutron, shared by the reconciler (the one writer) and the
 * CNI daemon (which only reads, to wait until an app's policies are in place before ADD answers).
 *
 * - One membership security group per policy group: name `osnet-app-<tag>`, description = the group id,
 *   Neutron tag {@link GROUP_TAG}. Tags are reused once a group is gone, so name AND description identify it.
 * - One ingress rule per policy and ethertype on the destination's group, `remote_group_id` = the source's
 *   group: scaling an app out changes no rule.
 *
 * @example
 *   groupName('0007') // 'osnet-app-0007'
 *   ruleKey({ security_group_id: dst, ethertype: 'IPv4', protocol: 'tcp', port_range_min: 8080, port_range_max: 8080, remote_group_id: src })
 */
import type { EtherType } from '../../openstack/networking/v2/security-group-rules/results.ts';
import type { PolicyGroup, Protocol } from '../model.ts';

/** The Neutron tag on every security group the reconciler owns; it never touches a group without it. */
export const GROUP_TAG = 'osnet-policy-group';
export const GROUP_PREFIX = 'osnet-app-';
export const ETHERTYPES: readonly EtherType[] = ['IPv4', 'IPv6'];

/** The security group name of a policy group. @example groupName('00ff') */
export function groupName(tag: string): string {
  return `${GROUP_PREFIX}${tag}`;
}

/** Whether a Neutron group (name, description) is the membership group of `g`. */
export function isGroupOf(sg: { name: string; description: string }, g: Pick<PolicyGroup, 'id' | 'tag'>) {
  return sg.name === groupName(g.tag) && sg.description === g.id;
}

/** The attributes of an ingress rule that make it "the same rule" (Neutron's own duplicate check, near enough). */
export interface RuleShape {
  security_group_id: string;
  ethertype: EtherType;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_group_id: string | null;
  remote_ip_prefix?: string | null;
  remote_address_group_id?: string | null;
}

// Neutron stores what it was given: "tcp" and "6" are the same protocol to the dataplane
const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', ipv6_icmp: '58' };

function protocolKey(p: string | null): string {
  if (p === null || p === '' || p === 'any') return 'any';
  const lower = p.toLowerCase();
  return PROTOCOL_NUMBERS[lower] ?? lower;
}

/** One string per distinct ingress rule; two rules with the same key are duplicates. */
export function ruleKey(r: RuleShape): string {
  return [
    r.security_group_id,
    r.ethertype,
    protocolKey(r.protocol),
    r.port_range_min ?? '',
    r.port_range_max ?? '',
    r.remote_group_id ?? '',
    r.remote_ip_prefix ?? '',
    r.remote_address_group_id ?? '',
  ].join('|');
}

/** The rules one policy needs, given the security group ids of its destination and source. */
export function policyRules(
  dstSg: string,
  srcSg: string,
  protocol: Protocol,
  ports: { start: number; end: number },
): RuleShape[] {
  return ETHERTYPES.map((ethertype) => ({
    security_group_id: dstSg,
    ethertype,
    protocol,
    port_range_min: ports.start,
    port_range_max: ports.end,
    remote_group_id: srcSg,
  }));
}
