import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { parse } from './parse.ts';

const M1 = 'fa:16:3e:00:00:01';
const M2 = 'fa:16:3e:00:00:02';

/** A valid two-NIC document; negative tests break one thing in a fresh copy. */
function doc(): Record<string, unknown> & {
  links: Record<string, unknown>[];
  networks: Record<string, unknown>[];
} {
  return {
    links: [
      { id: 'tap0', type: 'ovs', ethernet_mac_address: M1.toUpperCase(), mtu: 1450, vif_id: 'port-0' },
      { id: 'tap1', type: 'bridge', ethernet_mac_address: M2, mtu: null },
    ],
    networks: [
      {
        id: 'network0',
        link: 'tap0',
        type: 'ipv4',
        ip_address: '10.0.0.5',
        netmask: '255.255.255.0',
        network_id: 'net-a',
        routes: [
          { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' },
          { network: '192.168.0.0', netmask: '255.255.0.0', gateway: '10.0.0.254' },
        ],
        services: [{ type: 'dns', address: '10.0.0.2' }],
      },
      {
        id: 'network1',
        link: 'tap0',
        type: 'ipv6',
        ip_address: '2001:DB8::10',
        netmask: 'ffff:ffff:ffff:ffff::',
        routes: [{ network: '::', netmask: '::', gateway: '2001:db8::1' }],
      },
      { id: 'network2', link: 'tap1', type: 'ipv4_dhcp' },
    ],
    services: [
      { type: 'dns', address: '8.8.8.8', search: ['example.com'] },
      { type: 'ntp', address: '10.0.0.3' },
    ],
  };
}

function rejects(mutate: (d: ReturnType<typeof doc>) => unknown, field: string, message: RegExp): void {
  const d = doc();
  const replaced = mutate(d);
  assert.throws(
    () => parse(replaced === undefined ? d : replaced),
    (e: unknown) => {
      assert.ok(e instanceof OsnetError, String(e));
      assert.equal(e.code, 'OSNET_ERR_VALIDATION');
      assert.equal(e.field, field);
      assert.match(e.message, message);
      assert.ok(e.message.startsWith(`${field}: `), 'the message names the JSON path');
      return true;
    },
  );
}

test('a valid document becomes the normalised model', () => {
  const cfg = parse(doc());
  assert.deepEqual(cfg.links[0], {
    id: 'tap0',
    kind: 'physical',
    type: 'ovs',
    mac: M1,
    mtu: 1450,
    vifId: 'port-0',
  });
  assert.equal(cfg.links[1]?.mtu, undefined);
  const [n0, n1, n2] = cfg.networks;
  assert.equal(n0?.address, '10.0.0.5');
  assert.equal(n0?.prefix, 24);
  assert.equal(n0?.gateway, '10.0.0.1');
  assert.equal(n0?.networkId, 'net-a');
  assert.deepEqual(n0?.routes, [
    { to: '0.0.0.0/0', via: '10.0.0.1', family: 4, metric: 100 },
    { to: '192.168.0.0/16', via: '10.0.0.254', family: 4 },
  ]);
  assert.deepEqual(n0?.dns, ['10.0.0.2']);
  assert.equal(n1?.address, '2001:db8::10', 'IPv6 is canonicalised');
  assert.equal(n1?.prefix, 64);
  assert.equal(n1?.family, 6);
  assert.deepEqual(n1?.routes, [{ to: '::/0', via: '2001:db8::1', family: 6, metric: 100 }]);
  assert.equal(n2?.type, 'ipv4_dhcp');
  assert.equal(n2?.address, undefined);
  assert.equal(n2?.metric, 200, 'second NIC with a default route gets the next metric');
  assert.deepEqual(cfg.dns, ['8.8.8.8']);
  assert.deepEqual(cfg.search, ['example.com']);
});

test('every physical link type, and a missing type, is a NIC matched by MAC', () => {
  for (const type of [
    'phy',
    'ethernet',
    'bridge',
    'ovs',
    'tap',
    'vif',
    'hw_veb',
    'hyperv',
    'vhostuser',
    'dvs',
    null,
  ]) {
    const cfg = parse({ links: [{ id: 'l', type, ethernet_mac_address: M1 }], networks: [] });
    assert.equal(cfg.links[0]?.kind, 'physical', String(type));
    assert.equal(cfg.links[0]?.mac, M1);
  }
});

test('every network type, with the legacy static/static6 names', () => {
  const types = ['ipv4_dhcp', 'ipv6_dhcp', 'ipv6_slaac', 'ipv6_dhcpv6-stateful', 'ipv6_dhcpv6-stateless'];
  for (const type of types) {
    const d = doc();
    d.networks = [{ id: 'n', link: 'tap0', type }];
    const n = parse(d).networks[0];
    assert.equal(n?.type, type);
    assert.equal(n?.family, type.startsWith('ipv4') ? 4 : 6);
  }
  const d = doc();
  d.networks = [
    { id: 'a', link: 'tap0', type: 'static', ip_address: '10.1.0.2', netmask: '255.255.0.0' },
    { id: 'b', link: 'tap0', type: 'static6', ip_address: 'fd00::2', netmask: '48' },
  ];
  const [a, b] = parse(d).networks;
  assert.equal(a?.type, 'ipv4');
  assert.equal(a?.prefix, 16);
  assert.equal(b?.type, 'ipv6');
  assert.equal(b?.prefix, 48);
});

test('address prefixes come from a netmask, a CIDR, a prefix number, or default to /64 for IPv6', () => {
  const d = doc();
  d.networks = [
    { id: 'a', link: 'tap0', type: 'ipv4', ip_address: '10.1.0.2/20' },
    { id: 'b', link: 'tap0', type: 'ipv4', ip_address: '10.2.0.2', netmask: 28 },
    { id: 'c', link: 'tap0', type: 'ipv6', ip_address: '2001::/56' },
    { id: 'd', link: 'tap0', type: 'ipv6', ip_address: 'fd00::5', netmask: '' },
    { id: 'e', link: 'tap0', type: 'ipv4', ip_address: '10.3.0.2/24', netmask: '255.255.255.0' },
  ];
  assert.deepEqual(
    parse(d).networks.map((n) => [n.address, n.prefix]),
    [
      ['10.1.0.2', 20],
      ['10.2.0.2', 28],
      ['2001::', 56],
      ['fd00::5', 64],
      ['10.3.0.2', 24],
    ],
  );
});

test('IPv6 route masks may be expanded masks or prefix lengths', () => {
  const d = doc();
  d.networks = [
    {
      id: 'n',
      link: 'tap0',
      type: 'ipv6',
      ip_address: 'fd00::5',
      netmask: '64',
      routes: [
        { network: 'fd10::', netmask: 'ffff:ffff:ffff::', gateway: 'fd00::1' },
        { network: 'fd20::', netmask: '56', gateway: 'fd00::1' },
        { network: 'fd30::/40', gateway: 'fe80::1' },
      ],
    },
  ];
  assert.deepEqual(
    parse(d).networks[0]?.routes.map((r) => r.to),
    ['fd10::/48', 'fd20::/56', 'fd30::/40'],
  );
});

test('bonds: numeric modes 0-6 and numeric strings map to names; options kept', () => {
  const names = [
    'balance-rr',
    'active-backup',
    'balance-xor',
    'broadcast',
    '802.3ad',
    'balance-tlb',
    'balance-alb',
  ];
  for (const [n, name] of names.entries()) {
    for (const mode of [n, String(n), name]) {
      const cfg = parse({
        links: [
          { id: 'p0', type: 'phy', ethernet_mac_address: M1 },
          { id: 'p1', type: 'phy', ethernet_mac_address: M2 },
          {
            id: 'b',
            type: 'bond',
            bond_links: ['p0', 'p1'],
            bond_mode: mode,
            bond_miimon: 100,
            bond_xmit_hash_policy: 'layer3+4',
            ethernet_mac_address: M1,
            name: 'bond7',
          },
        ],
        networks: [],
      });
      assert.deepEqual(cfg.links[2], {
        id: 'b',
        kind: 'bond',
        members: ['p0', 'p1'],
        mode: name,
        miimon: 100,
        hashPolicy: 'layer3+4',
        mac: M1,
        requestedName: 'bond7',
      });
    }
  }
});

test('VLANs: id, parent, own MAC or the parent one', () => {
  const cfg = parse({
    links: [
      { id: 'p0', type: 'phy', ethernet_mac_address: M1 },
      { id: 'v1', type: 'vlan', vlan_link: 'p0', vlan_id: 101, vlan_mac_address: M2 },
      { id: 'v2', type: 'vlan', vlan_link: 'p0', vlan_id: '102' },
    ],
    networks: [{ id: 'n', link: 'v2', type: 'ipv4', ip_address: '10.9.0.2', netmask: '255.255.255.0' }],
  });
  assert.deepEqual(cfg.links[1], { id: 'v1', kind: 'vlan', parent: 'p0', vlanId: 101, mac: M2 });
  assert.deepEqual(cfg.links[2], { id: 'v2', kind: 'vlan', parent: 'p0', vlanId: 102, mac: M1 });
});

test('DNS from global services, per-network services, route services and legacy dns_nameservers', () => {
  const d = doc();
  d.networks = [
    {
      id: 'n',
      link: 'tap0',
      type: 'ipv4',
      ip_address: '10.0.0.5',
      netmask: '255.255.255.0',
      routes: [
        {
          network: '0.0.0.0',
          netmask: '0.0.0.0',
          gateway: '10.0.0.1',
          services: [{ type: 'dns', address: '1.1.1.1' }],
        },
      ],
      services: [{ type: 'dns', address: '10.0.0.2' }],
      dns_nameservers: ['10.0.0.2', '2001:4860:4860::8888'],
      dns_search: ['a.example'],
    },
  ];
  d.services = [{ type: 'dns', address: '9.9.9.9', search: 'b.example' }];
  const cfg = parse(d);
  assert.deepEqual(cfg.networks[0]?.dns, ['1.1.1.1', '10.0.0.2', '2001:4860:4860::8888']);
  assert.deepEqual(cfg.networks[0]?.search, ['a.example']);
  assert.deepEqual(cfg.dns, ['9.9.9.9']);
  assert.deepEqual(cfg.search, ['b.example']);
});

test('a network-level gateway is its default route; equal to the route it is no conflict', () => {
  const d = doc();
  d.networks = [{ id: 'n', link: 'tap0', type: 'ipv6', ip_address: 'fd00::5/64', gateway: 'fe80::1' }];
  assert.deepEqual(parse(d).networks[0]?.routes, [{ to: '::/0', via: 'fe80::1', family: 6, metric: 100 }]);
  const e = doc();
  (e.networks[0] as Record<string, unknown>).gateway = '10.0.0.1';
  assert.equal(parse(e).networks[0]?.routes.length, 2);
});

test('default gateways on different NICs are allowed and ordered by the metric policy', () => {
  const d = doc();
  d.networks = [
    {
      id: 'a',
      link: 'tap1',
      type: 'ipv4',
      ip_address: '10.1.0.2/24',
      routes: [{ network: '0.0.0.0/0', gateway: '10.1.0.1' }],
    },
    {
      id: 'b',
      link: 'tap0',
      type: 'ipv4',
      ip_address: '10.2.0.2/24',
      routes: [{ network: '0.0.0.0/0', gateway: '10.2.0.1' }],
    },
    {
      id: 'c',
      link: 'tap0',
      type: 'ipv4',
      ip_address: '10.3.0.2/24',
      routes: [{ network: '10.9.0.0/16', gateway: '10.3.0.1', metric: 7 }],
    },
  ];
  const [a, b, c] = parse(d).networks;
  assert.equal(b?.routes[0]?.metric, 100, 'tap0 is first in link order');
  assert.equal(a?.routes[0]?.metric, 200);
  assert.equal(c?.routes[0]?.metric, 7, 'explicit metrics are kept');
  assert.equal(c?.metric, undefined);
});

test('an empty document is valid', () => {
  assert.deepEqual(parse({ links: [], networks: [], services: [] }), {
    links: [],
    networks: [],
    dns: [],
    search: [],
  });
});

// Every negative case: the field named and the rule stated.
const NEGATIVE: [string, (d: ReturnType<typeof doc>) => unknown, string, RegExp][] = [
  ['not an object', () => [1], '$', /JSON object/],
  [
    'links not an array',
    (d) => {
      d.links = {} as never;
    },
    '$.links',
    /array/,
  ],
  ['link without id', (d) => void delete d.links[1]?.id, '$.links[1].id', /non-empty string/],
  [
    'duplicate link id',
    (d) => {
      d.links[1]!.id = 'tap0';
    },
    '$.links[1].id',
    /duplicate link id/,
  ],
  [
    'unknown link type',
    (d) => {
      d.links[0]!.type = 'wifi';
    },
    '$.links[0].type',
    /unknown link type "wifi"/,
  ],
  [
    'bad MAC',
    (d) => {
      d.links[0]!.ethernet_mac_address = 'xx:xx:xx:xx:xx:00';
    },
    '$.links[0].ethernet_mac_address',
    /MAC/,
  ],
  [
    'missing MAC',
    (d) => void delete d.links[0]!.ethernet_mac_address,
    '$.links[0].ethernet_mac_address',
    /MAC/,
  ],
  [
    'duplicate MAC',
    (d) => {
      d.links[1]!.ethernet_mac_address = M1;
    },
    '$.links[1].ethernet_mac_address',
    /also used by \$\.links\[0\]/,
  ],
  [
    'MTU too small',
    (d) => {
      d.links[0]!.mtu = 20;
    },
    '$.links[0].mtu',
    /68 to 65535/,
  ],
  [
    'MTU not a number',
    (d) => {
      d.links[0]!.mtu = 'abc';
    },
    '$.links[0].mtu',
    /integer/,
  ],
  [
    'IPv6 on a link with MTU below 1280',
    (d) => {
      d.links[0]!.mtu = 1200;
    },
    '$.links[0].mtu',
    /below 1280/,
  ],
  [
    'bad link name',
    (d) => {
      d.links[0]!.name = 'a/b';
    },
    '$.links[0].name',
    /interface name/,
  ],
  [
    'VLAN id 0',
    (d) => void d.links.push({ id: 'v', type: 'vlan', vlan_link: 'tap0', vlan_id: 0 }),
    '$.links[2].vlan_id',
    /1 to 4094/,
  ],
  [
    'VLAN id 4095',
    (d) => void d.links.push({ id: 'v', type: 'vlan', vlan_link: 'tap0', vlan_id: 4095 }),
    '$.links[2].vlan_id',
    /1 to 4094/,
  ],
  [
    'VLAN unknown parent',
    (d) => void d.links.push({ id: 'v', type: 'vlan', vlan_link: 'nope', vlan_id: 5 }),
    '$.links[2].vlan_link',
    /not a link id/,
  ],
  [
    'VLAN on VLAN',
    (d) =>
      void d.links.push(
        { id: 'v', type: 'vlan', vlan_link: 'tap0', vlan_id: 5 },
        { id: 'w', type: 'vlan', vlan_link: 'v', vlan_id: 6 },
      ),
    '$.links[3].vlan_link',
    /not a VLAN/,
  ],
  [
    'same VLAN twice on a parent',
    (d) =>
      void d.links.push(
        { id: 'v', type: 'vlan', vlan_link: 'tap0', vlan_id: 5 },
        { id: 'w', type: 'vlan', vlan_link: 'tap0', vlan_id: 5 },
      ),
    '$.links[3].vlan_id',
    /also \$\.links\[2\]/,
  ],
  [
    'bond without members',
    (d) => void d.links.push({ id: 'b', type: 'bond', bond_links: [], bond_mode: 1 }),
    '$.links[2].bond_links',
    /non-empty/,
  ],
  [
    'bond member unknown',
    (d) => void d.links.push({ id: 'b', type: 'bond', bond_links: ['tap0', 'x'], bond_mode: 1 }),
    '$.links[2].bond_links[1]',
    /"x" is not a link id/,
  ],
  [
    'bond member in two bonds',
    (d) =>
      void d.links.push(
        { id: 'b', type: 'bond', bond_links: ['tap0'], bond_mode: 1 },
        { id: 'c', type: 'bond', bond_links: ['tap0'], bond_mode: 1 },
      ),
    '$.links[3].bond_links[0]',
    /already a member of bond b/,
  ],
  [
    'bond of bonds',
    (d) =>
      void d.links.push(
        { id: 'b', type: 'bond', bond_links: ['tap0'], bond_mode: 1 },
        { id: 'c', type: 'bond', bond_links: ['b'], bond_mode: 1 },
      ),
    '$.links[3].bond_links[0]',
    /must be a NIC/,
  ],
  [
    'bond mode 7',
    (d) => void d.links.push({ id: 'b', type: 'bond', bond_links: ['tap0'], bond_mode: 7 }),
    '$.links[2].bond_mode',
    /0-6/,
  ],
  [
    'bond mode unknown',
    (d) => void d.links.push({ id: 'b', type: 'bond', bond_links: ['tap0'], bond_mode: 'fast' }),
    '$.links[2].bond_mode',
    /one of/,
  ],
  [
    'bond hash policy unknown',
    (d) =>
      void d.links.push({
        id: 'b',
        type: 'bond',
        bond_links: ['tap0'],
        bond_mode: 4,
        bond_xmit_hash_policy: 'layer9',
      }),
    '$.links[2].bond_xmit_hash_policy',
    /one of/,
  ],
  [
    'bond miimon negative',
    (d) => void d.links.push({ id: 'b', type: 'bond', bond_links: ['tap0'], bond_mode: 4, bond_miimon: -1 }),
    '$.links[2].bond_miimon',
    /integer/,
  ],
  [
    'network link unknown',
    (d) => {
      d.networks[1]!.link = 'tap9';
    },
    '$.networks[1].link',
    /"tap9" is not the id of any/,
  ],
  [
    'duplicate network id',
    (d) => {
      d.networks[2]!.id = 'network0';
    },
    '$.networks[2].id',
    /duplicate network id/,
  ],
  [
    'unknown network type',
    (d) => {
      d.networks[2]!.type = 'ipv5';
    },
    '$.networks[2].type',
    /unknown network type/,
  ],
  [
    'bad IPv4 address',
    (d) => {
      d.networks[0]!.ip_address = '10.0.0.256';
    },
    '$.networks[0].ip_address',
    /IPv4 address/,
  ],
  [
    'IPv4 with leading zero',
    (d) => {
      d.networks[0]!.ip_address = '10.0.0.05';
    },
    '$.networks[0].ip_address',
    /IPv4 address/,
  ],
  [
    'IPv6 address on an ipv4 network',
    (d) => {
      d.networks[0]!.ip_address = 'fd00::1';
    },
    '$.networks[0].ip_address',
    /IPv4 address/,
  ],
  [
    'bad IPv6 address',
    (d) => {
      d.networks[1]!.ip_address = '2001:db8:::1';
    },
    '$.networks[1].ip_address',
    /IPv6 address/,
  ],
  [
    'missing ip_address',
    (d) => void delete d.networks[0]!.ip_address,
    '$.networks[0].ip_address',
    /non-empty/,
  ],
  [
    'non-contiguous netmask',
    (d) => {
      d.networks[0]!.netmask = '255.0.255.0';
    },
    '$.networks[0].netmask',
    /contiguous/,
  ],
  [
    'netmask of the other family',
    (d) => {
      d.networks[0]!.netmask = 'ffff::';
    },
    '$.networks[0].netmask',
    /contiguous IPv4/,
  ],
  [
    'prefix too long',
    (d) => {
      d.networks[0]!.netmask = '33';
    },
    '$.networks[0].netmask',
    /contiguous/,
  ],
  [
    'netmask missing on ipv4',
    (d) => {
      d.networks[0]!.netmask = '';
    },
    '$.networks[0].netmask',
    /required/,
  ],
  [
    'netmask disagrees with CIDR',
    (d) => {
      d.networks[0]!.ip_address = '10.0.0.5/16';
    },
    '$.networks[0].netmask',
    /disagrees/,
  ],
  [
    'two default gateways in one network',
    (d) =>
      void (d.networks[0]!.routes as unknown[]).push({
        network: '0.0.0.0',
        netmask: '0.0.0.0',
        gateway: '10.0.0.9',
      }),
    '$.networks[0].routes[2]',
    /two default gateways/,
  ],
  [
    'two default gateways in one family on one NIC',
    (d) =>
      void d.networks.push({
        id: 'x',
        link: 'tap0',
        type: 'ipv4',
        ip_address: '10.5.0.2/24',
        routes: [{ network: '0.0.0.0/0', gateway: '10.5.0.1' }],
      }),
    '$.networks[3].routes',
    /two IPv4 default gateways on link tap0/,
  ],
  [
    'network gateway disagrees with default route',
    (d) => {
      d.networks[1]!.gateway = 'fe80::9';
    },
    '$.networks[1].gateway',
    /two default gateways/,
  ],
  [
    'route netmask bad',
    (d) => {
      (d.networks[0]!.routes as Record<string, unknown>[])[1]!.netmask = '255.234.255.0';
    },
    '$.networks[0].routes[1].netmask',
    /contiguous/,
  ],
  [
    'route host bits',
    (d) => {
      (d.networks[0]!.routes as Record<string, unknown>[])[1]!.network = '192.168.1.0';
    },
    '$.networks[0].routes[1].network',
    /host bits/,
  ],
  [
    'route gateway bad',
    (d) => {
      (d.networks[0]!.routes as Record<string, unknown>[])[1]!.gateway = 'router';
    },
    '$.networks[0].routes[1].gateway',
    /IPv4 address/,
  ],
  [
    'route of the other family',
    (d) => {
      (d.networks[1]!.routes as Record<string, unknown>[])[0]!.network = '0.0.0.0';
    },
    '$.networks[1].routes[0].network',
    /IPv6/,
  ],
  [
    'route missing netmask',
    (d) => void delete (d.networks[0]!.routes as Record<string, unknown>[])[1]!.netmask,
    '$.networks[0].routes[1].netmask',
    /required/,
  ],
  [
    'duplicate route destination',
    (d) =>
      void (d.networks[0]!.routes as unknown[]).push({
        network: '192.168.0.0',
        netmask: '255.255.0.0',
        gateway: '10.0.0.9',
      }),
    '$.networks[0].routes[2]',
    /duplicate destination/,
  ],
  [
    'route metric negative',
    (d) => {
      (d.networks[0]!.routes as Record<string, unknown>[])[1]!.metric = -5;
    },
    '$.networks[0].routes[1].metric',
    /integer/,
  ],
  [
    'bad per-network DNS',
    (d) => {
      d.networks[0]!.services = [{ type: 'dns', address: 'dns.example' }];
    },
    '$.networks[0].services[0].address',
    /IP address/,
  ],
  [
    'bad legacy dns_nameservers',
    (d) => {
      d.networks[0]!.dns_nameservers = ['1.2.3'];
    },
    '$.networks[0].dns_nameservers[0]',
    /IP address/,
  ],
  [
    'bad global DNS',
    (d) => {
      d.services = [{ type: 'dns', address: '' }];
    },
    '$.services[0].address',
    /IP address/,
  ],
  [
    'search domain with a newline (would inject into resolv.conf)',
    (d) => {
      d.services = [{ type: 'dns', address: '8.8.8.8', search: ['ok.example', 'evil\nnameserver 6.6.6.6'] }];
    },
    '$.services[0].search[1]',
    /must be a DNS domain name/,
  ],
  [
    'per-network search domain with a space',
    (d) => {
      d.networks[0]!.dns_search = ['a b.example'];
    },
    '$.networks[0].dns_search[0]',
    /must be a DNS domain name/,
  ],
  [
    'VLAN on a bond member, bond listed after the VLAN',
    (d) => {
      d.links.push({ id: 'v', type: 'vlan', vlan_link: 'tap0', vlan_id: 10 });
      d.links.push({ id: 'b', type: 'bond', bond_links: ['tap0', 'tap1'], bond_mode: 1 });
    },
    '$.links[2].vlan_link',
    /member of bond b: put the VLAN on the bond/,
  ],
  [
    'services not an array',
    (d) => {
      d.services = 'dns';
    },
    '$.services',
    /array/,
  ],
];

for (const [name, mutate, field, message] of NEGATIVE) {
  test(`rejects: ${name}`, () => rejects(mutate, field, message));
}

/** A network of `doc()` with `set` merged in, put in place of network0 (tap0, 10.0.0.5/24). */
function withNet0(set: Record<string, unknown>) {
  return (d: ReturnType<typeof doc>) => {
    Object.assign(d.networks[0]!, set);
  };
}

const KERNEL_REFUSES: [string, (d: ReturnType<typeof doc>) => unknown, string, RegExp][] = [
  [
    'gateway equal to the subnet broadcast address',
    withNet0({ routes: [{ network: '0.0.0.0/0', gateway: '10.0.0.255' }] }),
    '$.networks[0].routes[0].gateway',
    /broadcast address of 10\.0\.0\.5\/24/,
  ],
  [
    "gateway equal to the NIC's own address",
    withNet0({ routes: [{ network: '0.0.0.0/0', gateway: '10.0.0.5' }] }),
    '$.networks[0].routes[0].gateway',
    /own address/,
  ],
  [
    'network-level gateway equal to the own address',
    withNet0({ routes: [], gateway: '10.0.0.5' }),
    '$.networks[0].gateway',
    /own address/,
  ],
  [
    'gateway equal to the network address',
    withNet0({ routes: [{ network: '0.0.0.0/0', gateway: '10.0.0.0' }] }),
    '$.networks[0].routes[0].gateway',
    /network address of 10\.0\.0\.5\/24/,
  ],
  [
    'multicast gateway',
    withNet0({ routes: [{ network: '192.168.0.0/16', gateway: '224.0.0.1' }] }),
    '$.networks[0].routes[0].gateway',
    /multicast/,
  ],
  [
    'loopback gateway',
    withNet0({ routes: [{ network: '192.168.0.0/16', gateway: '127.0.0.1' }] }),
    '$.networks[0].routes[0].gateway',
    /loopback/,
  ],
  [
    'IPv6 multicast gateway',
    (d) => {
      d.networks[1]!.routes = [{ network: '::/0', gateway: 'ff02::2' }];
    },
    '$.networks[1].routes[0].gateway',
    /multicast/,
  ],
  [
    'IPv6 loopback gateway',
    (d) => {
      d.networks[1]!.routes = [{ network: '::/0', gateway: '::1' }];
    },
    '$.networks[1].routes[0].gateway',
    /loopback/,
  ],
  [
    'multicast gateway on a DHCP network',
    (d) => {
      d.networks[2]!.routes = [{ network: '10.9.0.0/16', gateway: '239.1.1.1' }];
    },
    '$.networks[2].routes[0].gateway',
    /multicast/,
  ],
  [
    'address equal to the network address',
    withNet0({ ip_address: '10.0.0.0' }),
    '$.networks[0].ip_address',
    /network address of its subnet/,
  ],
  [
    'address equal to the broadcast address',
    withNet0({ ip_address: '10.0.0.255', routes: [] }),
    '$.networks[0].ip_address',
    /broadcast address of its subnet/,
  ],
  [
    'a network on a bond member',
    (d) => {
      d.links.push({ id: 'b', type: 'bond', bond_links: ['tap1'], bond_mode: 1 });
    },
    '$.networks[2].link',
    /tap1 is a member of bond b: put the network on the bond/,
  ],
];

for (const [name, mutate, field, message] of KERNEL_REFUSES) {
  test(`rejects what the kernel refuses or misreads: ${name}`, () => rejects(mutate, field, message));
}

test('point-to-point subnets and outside gateways stay valid', () => {
  const d = doc();
  Object.assign(d.networks[0]!, {
    ip_address: '10.0.0.0/31',
    netmask: undefined,
    routes: [{ network: '0.0.0.0/0', gateway: '10.0.0.1' }],
  });
  d.networks[1]!.routes = [{ network: '::/0', gateway: '2001:db8::' }];
  const cfg = parse(d);
  assert.equal(cfg.networks[0]?.address, '10.0.0.0');
  assert.equal(cfg.networks[1]?.gateway, '2001:db8::');
});

test('a gateway on a DHCP or SLAAC network is left to its client; other routes stay', () => {
  const d = doc();
  d.networks[2] = {
    id: 'network2',
    link: 'tap1',
    type: 'ipv4_dhcp',
    gateway: '10.3.0.1',
    routes: [{ network: '10.9.0.0/16', gateway: '10.3.0.254' }],
  };
  d.networks.push({
    id: 'n6',
    link: 'tap1',
    type: 'ipv6_slaac',
    routes: [{ network: '::/0', gateway: 'fe80::1' }],
  });
  const cfg = parse(d);
  const [, , dhcp, slaac] = cfg.networks;
  assert.deepEqual(
    dhcp?.routes.map((r) => `${r.to} via ${r.via}`),
    ['10.9.0.0/16 via 10.3.0.254'],
  );
  assert.equal(dhcp?.gateway, undefined);
  assert.equal(dhcp?.metric, 200, 'the lease route keeps the policy metric');
  assert.deepEqual(slaac?.routes, []);
});
