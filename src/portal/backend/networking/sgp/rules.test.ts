// Offline: the mapping of rules between Waldur's shape and Neutron's, and the difference set_rules applies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecurityGroupRule } from '../../../../openstack/networking/v2/security-group-rules/results.ts';
import { fromNeutron, normalize, ruleDiff, toNeutron } from './rules.ts';

function neutronRule(id: string, over: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    id,
    security_group_id: 'sg',
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    description: '',
    project_id: 'p',
    tenant_id: 'p',
    revision_number: 0,
    created_at: '',
    updated_at: '',
    ...over,
  };
}

test('any protocol and any port are Waldur\'s "" and -1, Neutron\'s null, both ways', () => {
  const r = normalize({ direction: 'egress' });
  assert.deepEqual(toNeutron('sg', r), {
    security_group_id: 'sg',
    ethertype: 'IPv4',
    direction: 'egress',
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    description: '',
  });
  const back = fromNeutron(neutronRule('r1', { direction: 'egress' }));
  assert.deepEqual({ ...back, id: undefined }, { ...r, id: undefined });
  const icmp = toNeutron('sg', normalize({ protocol: 'icmp', from_port: 8, to_port: 0 }));
  assert.deepEqual([icmp.port_range_min, icmp.port_range_max], [8, 0]);
});

test('ruleDiff keeps equal rules, revokes the rest, adds what is missing; the description counts', () => {
  const current = [
    neutronRule('keep', {
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: '0.0.0.0/0',
    }),
    neutronRule('drop', { protocol: 'icmp' }),
    neutronRule('renamed', { protocol: 'tcp', port_range_min: 80, port_range_max: 80, description: 'old' }),
  ];
  const wanted = [
    normalize({ protocol: 'tcp', from_port: 22, to_port: 22, cidr: '0.0.0.0/0' }),
    normalize({ protocol: 'tcp', from_port: 80, to_port: 80, description: 'new' }),
    normalize({ protocol: 'udp', from_port: 53, to_port: 53 }),
  ];
  const { revoke, add } = ruleDiff(current, wanted);
  assert.deepEqual(revoke.sort(), ['drop', 'renamed']);
  assert.deepEqual(
    add.map((r) => `${r.protocol}:${r.from_port}:${r.description}`),
    ['tcp:80:new', 'udp:53:'],
  );
  assert.deepEqual(ruleDiff(current, current.map(fromNeutron)), { revoke: [], add: [] });
});
