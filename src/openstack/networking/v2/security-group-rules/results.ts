/**
 * The security group rule as Neutron returns it.
 *
 * @example
 *   const open22 = rule.protocol === 'tcp' && rule.port_range_min === 22;
 */

export type Direction = 'ingress' | 'egress';
export type EtherType = 'IPv4' | 'IPv6';

/** One rule of a security group. @example const r: SecurityGroupRule = await securityGroupRules.get(net, id); */
export interface SecurityGroupRule {
  id: string;
  security_group_id: string;
  direction: Direction;
  ethertype: EtherType;
  /** tcp, udp, icmp, ... or a number as a string; null: any. */
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  remote_address_group_id?: string | null;
  description: string;
  project_id: string;
  tenant_id: string;
  revision_number: number;
  created_at: string;
  updated_at: string;
  /** False for the rules Neutron adds to every group (default-security-group-rules), when reported. */
  belongs_to_default_sg?: boolean | null;
}
