/**
 * The script renderer and the live apply read one plan, so they agree on which routes the kernel takes
 * before a lease, on the on-link mark, and on the order of NICs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '../../model/parse.ts';
import { parseMacMap, resolveNames } from '../../model/resolve-names.ts';
import type { NetworkConfig } from '../../model/types.ts';
import { targetsFromConfig } from './plan.ts';
import { renderIp, renderIpCommands } from './render.ts';

/**
 * One NIC with IPv6 by DHCPv6 only and a route via `gateway` (not the default route: that one a dynamic
 * network leaves to its client, see parse).
 */
function dhcp6Only(gateway: string): NetworkConfig {
  const raw = {
    links: [{ id: 'l0', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:0e:00' }],
    networks: [
      {
        id: 'n6',
        link: 'l0',
        type: 'ipv6_dhcpv6-stateful',
        routes: [{ network: '2001:db8:f::', netmask: '48', gateway }],
      },
    ],
  };
  return resolveNames(parse(raw), parseMacMap('eth0=fa:16:3e:00:0e:00'));
}

test('a gateway anywhere in fe80::/10 is routable before the lease, in the script and in apply', () => {
  // fe80::/10 runs up to febf:ffff:...; the kernel takes all of it as link-local (checked with
  // `ip -6 route replace ::/0 via fe90::1` on a veth without a global address).
  for (const gw of ['fe80::1', 'fe90::1', 'febf::1']) {
    const cmds = renderIpCommands(dhcp6Only(gw)).map((c) => c.join(' '));
    assert.ok(cmds.includes(`ip -6 route replace 2001:db8:f::/48 via ${gw} dev eth0`), `${gw}: ${cmds}`);
    assert.doesNotMatch(renderIp(dhcp6Only(gw))[0]!.content, /waits for a DHCP lease/, gw);
    const t = targetsFromConfig(dhcp6Only(gw)).get('eth0');
    assert.deepEqual(t?.routes, [{ to: '2001:db8:f::/48', via: gw, family: 6, metric: 1024 }], gw);
    assert.deepEqual(t?.deferred, [], gw);
  }
});

test('a global gateway on a DHCPv6-only NIC waits for the lease, in the script and in apply', () => {
  for (const gw of ['fec0::1', '2001:db8::1']) {
    const cmds = renderIpCommands(dhcp6Only(gw)).map((c) => c.join(' '));
    assert.ok(!cmds.some((c) => c.includes('route')), `${gw}: ${cmds}`);
    assert.match(
      renderIp(dhcp6Only(gw))[0]!.content,
      /route 2001:db8:f::\/48 via \S+ waits for a DHCP lease/,
      gw,
    );
    const t = targetsFromConfig(dhcp6Only(gw)).get('eth0');
    assert.deepEqual(t?.routes, [], gw);
    assert.deepEqual(t?.deferred, [{ to: '2001:db8:f::/48', via: gw, family: 6, metric: 1024 }], gw);
  }
});

test('the script and apply mark the same routes on-link, and order NICs the same way', () => {
  const raw = {
    links: [
      { id: 'v', type: 'vlan', vlan_link: 'p', vlan_id: 7, vlan_mac_address: 'fa:16:3e:00:0e:02' },
      { id: 'p', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:0e:01' },
    ],
    networks: [
      {
        id: 'a',
        link: 'p',
        type: 'ipv4',
        ip_address: '192.0.2.10',
        netmask: '255.255.255.0',
        routes: [
          { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '192.0.2.1' },
          { network: '10.9.0.0', netmask: '255.255.0.0', gateway: '198.51.100.1' },
        ],
      },
      { id: 'b', link: 'v', type: 'ipv4', ip_address: '203.0.113.5', netmask: '255.255.255.0' },
    ],
  };
  const cfg = resolveNames(parse(raw), parseMacMap('eth0=fa:16:3e:00:0e:01'));
  const cmds = renderIpCommands(cfg).map((c) => c.join(' '));
  assert.ok(cmds.includes('ip -4 route replace 0.0.0.0/0 via 192.0.2.1 dev eth0 metric 100'), `${cmds}`);
  assert.ok(cmds.includes('ip -4 route replace 10.9.0.0/16 via 198.51.100.1 dev eth0 onlink'), `${cmds}`);
  const targets = targetsFromConfig(cfg);
  assert.deepEqual(
    targets.get('eth0')?.routes.map((r) => [r.to, r.onlink ?? false]),
    [
      ['0.0.0.0/0', false],
      ['10.9.0.0/16', true],
    ],
  );
  // The VLAN is listed first in links[], but its parent must exist before `ip link add link eth0`.
  const vlan = cfg.links.find((l) => l.kind === 'vlan')!.name!;
  assert.deepEqual([...targets.keys()], ['eth0', vlan]);
  const firstCmd = (nic: string) => cmds.findIndex((c) => c.includes(` ${nic} `) || c.endsWith(` ${nic}`));
  assert.ok(firstCmd('eth0') < firstCmd(vlan), `${cmds}`);
});
