/**
 * What each format must get right beyond passing its validator: the places where cloud-init's output
 * fails (numeric bond modes, gateway on DHCP, missing .netdev), per-NIC files, modes, metrics, quoting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { loadFixtures } from '../../testing/guest/fixtures.ts';
import { tokenize } from '../../testing/guest/validate/powershell.ts';
import { parse } from '../model/parse.ts';
import { resolveNames } from '../model/resolve-names.ts';
import type { NetworkConfig } from '../model/types.ts';
import { FORMATS, RENDERERS } from './index.ts';
import { renderIpCommands } from './ip/render.ts';
import { connectionUuid } from './networkmanager/render.ts';
import { psQuote } from './powershell/render.ts';
import { sysconfigValue } from './sysconfig/render.ts';

const fixtures = loadFixtures();
function cfgOf(name: string): NetworkConfig {
  const f = fixtures.find((x) => x.name === name);
  assert.ok(f, name);
  return resolveNames(parse(f.raw), f.macMap);
}
function fixtureRaw(name: string): unknown {
  const f = fixtures.find((x) => x.name === name);
  assert.ok(f, name);
  return f.raw;
}
function cfgOfRaw(raw: unknown): NetworkConfig {
  const f = fixtures.find((x) => x.name === 'osnet-vlan-bond-dns-mtu');
  return resolveNames(parse(raw), f!.macMap);
}
const file = (files: { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `${path} among ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};

test('numeric bond modes are rendered as names in every format', () => {
  const cfg = cfgOf('osnet-bond-modes-numeric');
  const netplan = RENDERERS.netplan(cfg);
  assert.match(file(netplan, '/etc/netplan/51-osnet-bond0.yaml'), /mode: "balance-rr"/);
  assert.match(file(netplan, '/etc/netplan/51-osnet-bond4.yaml'), /mode: "802\.3ad"/);
  assert.match(file(netplan, '/etc/netplan/51-osnet-bond6.yaml'), /mode: "balance-alb"/);
  assert.match(
    file(RENDERERS.networkd(cfg), '/etc/systemd/network/50-osnet-bond1.netdev'),
    /^Mode=active-backup$/m,
  );
  assert.match(
    file(RENDERERS.sysconfig(cfg), '/etc/sysconfig/network-scripts/ifcfg-bond4'),
    /^BONDING_OPTS="mode=802\.3ad miimon=100 xmit_hash_policy=layer3\+4"$/m,
  );
  for (const format of FORMATS) {
    const text = RENDERERS[format](cfg)
      .map((f) => f.content)
      .join('\n');
    assert.doesNotMatch(text, /mode[=: ]+"?[0-6]"?$/m, format);
  }
});

test('ifupdown: every VLAN stanza sets the VLAN port its own MAC', () => {
  const files = RENDERERS.ifupdown(cfgOf('osnet-vlan-bond-dns-mtu'));
  const vlan = (n: string) => file(files, `/etc/network/interfaces.d/50-osnet-${n}`);
  assert.match(vlan('bond0_100'), /^iface bond0\.100 inet [\s\S]*^ {4}hwaddress ether fa:16:3e:00:04:00$/m);
  assert.match(vlan('eth2_200'), /^iface eth2\.200 inet [\s\S]*^ {4}hwaddress ether fa:16:3e:00:04:02$/m);
});

test('networkd gets a .netdev for every bond and VLAN, and the parent lists its VLANs', () => {
  const cfg = cfgOf('osnet-vlan-bond-dns-mtu');
  const files = RENDERERS.networkd(cfg);
  assert.deepEqual(
    files.filter((f) => f.path.endsWith('.netdev')).map((f) => f.path),
    [
      '/etc/systemd/network/50-osnet-bond0.netdev',
      '/etc/systemd/network/50-osnet-bond0.100.netdev',
      '/etc/systemd/network/50-osnet-eth2.200.netdev',
    ],
  );
  assert.match(file(files, '/etc/systemd/network/50-osnet-bond0.100.netdev'), /^Kind=vlan$[\s\S]*^Id=100$/m);
  assert.match(file(files, '/etc/systemd/network/50-osnet-bond0.network'), /^VLAN=bond0\.100$/m);
  assert.match(file(files, '/etc/systemd/network/50-osnet-eth2.network'), /^VLAN=eth2\.200$/m);
  assert.match(file(files, '/etc/systemd/network/50-osnet-eth0.network'), /^Bond=bond0$/m);
});

test('NetworkManager: a DHCP connection leaves its default route to the lease, never gateway=', () => {
  const files = RENDERERS.networkmanager(cfgOf('osnet-dhcp-with-routes'));
  const eth0 = file(files, '/etc/NetworkManager/system-connections/osnet-eth0.nmconnection');
  assert.match(eth0, /^method=auto$/m);
  assert.doesNotMatch(eth0, /^gateway=/m);
  assert.doesNotMatch(eth0, /^route\d+=0\.0\.0\.0\/0,/m);
  assert.match(eth0, /^route-metric=100$/m);
  const static4 = RENDERERS.networkmanager(cfgOf('ci-net-os-sample0-bridge-static'));
  assert.match(
    file(static4, '/etc/NetworkManager/system-connections/osnet-eth0.nmconnection'),
    /^address1=172\.19\.1\.34\/22,172\.19\.3\.254$/m,
  );
});

test('NetworkManager: route-metric is for the default route only; other routes keep the kernel metric', () => {
  const files = RENDERERS.networkmanager(cfgOf('osnet-dhcp-with-routes'));
  const [eth0, eth1] = ['eth0', 'eth1'].map((n) =>
    file(files, `/etc/NetworkManager/system-connections/osnet-${n}.nmconnection`),
  );
  // ipv4: the DHCP lease's default route takes 100; the host route does not.
  assert.match(eth0!, /^route1=172\.31\.0\.0\/16,10\.6\.0\.254,0$/m);
  // ipv6 on eth1 (DHCPv6, metric 100 from the policy): the /48 route keeps 1024.
  assert.match(eth1!, /^route-metric=\d+$/m);
  assert.match(eth1!, /^route1=2001:db8:e::\/48,fe80::1,1024$/m);
});

test('one file per NIC, tagged with the NIC, where the format allows it', () => {
  const cfg = cfgOf('osnet-vlan-bond-dns-mtu');
  const nics = cfg.links.map((l) => l.name).sort();
  // netplan and networkd add one file of global DNS (systemd-resolved's), tagged as such and with no NIC.
  const perNic = (format: keyof typeof RENDERERS) => RENDERERS[format](cfg).filter((f) => !f.dns);
  for (const format of ['ifupdown', 'netplan', 'networkmanager'] as const) {
    assert.deepEqual(
      perNic(format)
        .map((f) => f.nic)
        .sort(),
      nics,
      format,
    );
  }
  for (const format of ['sysconfig', 'networkd'] as const) {
    assert.deepEqual([...new Set(perNic(format).map((f) => f.nic))].sort(), nics, format);
  }
  for (const format of ['netplan', 'networkd'] as const) {
    const global = RENDERERS[format](cfg).filter((f) => f.dns);
    assert.deepEqual(
      global.map((f) => [f.path, f.nic]),
      [['/etc/systemd/resolved.conf.d/50-osnet.conf', undefined]],
    );
  }
  assert.equal(RENDERERS.powershell(cfg).length, 1);
  assert.equal(RENDERERS.ip(cfg).length, 1);
});

test('secret-free files are world-readable, netplan and NetworkManager files are 0600', () => {
  const cfg = cfgOf('ci-configdrive-vif-static-routes');
  for (const f of RENDERERS.netplan(cfg).filter((x) => !x.dns)) assert.equal(f.mode, 0o600, f.path);
  for (const f of RENDERERS.networkmanager(cfg)) assert.equal(f.mode, 0o600, f.path);
  for (const f of RENDERERS.ifupdown(cfg)) assert.equal(f.mode ?? 0o644, 0o644, f.path);
});

test('networkd and netplan keep global DNS out of the NIC files: a longer global list rewrites none of them', () => {
  const raw = fixtureRaw('osnet-vlan-bond-dns-mtu') as { services: unknown[] };
  const more = { ...raw, services: [...raw.services, { type: 'dns', address: '192.0.2.99' }] };
  for (const format of ['networkd', 'netplan'] as const) {
    const a = RENDERERS[format](cfgOfRaw(raw));
    const b = RENDERERS[format](cfgOfRaw(more));
    assert.deepEqual(
      b.filter((f) => a.find((x) => x.path === f.path)?.content !== f.content).map((f) => f.path),
      ['/etc/systemd/resolved.conf.d/50-osnet.conf'],
      format,
    );
    assert.match(file(b, '/etc/systemd/resolved.conf.d/50-osnet.conf'), /^DNS=.* 192\.0\.2\.99$/m);
  }
});

test('two default routes on different NICs follow the metric policy in every format', () => {
  const cfg = cfgOf('osnet-two-default-routes');
  const cmds = renderIpCommands(cfg).map((c) => c.join(' '));
  assert.ok(cmds.includes('ip -4 route replace 0.0.0.0/0 via 10.1.0.1 dev eth0 metric 100'));
  assert.ok(cmds.includes('ip -4 route replace 0.0.0.0/0 via 10.2.0.1 dev eth1 metric 200'));
  assert.match(
    file(RENDERERS.netplan(cfg), '/etc/netplan/50-osnet-eth1.yaml'),
    /via: "10\.2\.0\.1"\n\s+metric: 200/,
  );
  assert.match(
    file(RENDERERS.sysconfig(cfg), '/etc/sysconfig/network-scripts/ifcfg-eth1'),
    /^IPV4_ROUTE_METRIC=200$/m,
  );
  assert.match(
    file(RENDERERS.powershell(cfg), '/etc/osnet/apply-networking.ps1'),
    /-NextHop '10\.2\.0\.1' -RouteMetric 200/,
  );
});

test('rendering is deterministic', () => {
  const cfg = cfgOf('osnet-nettypes-all');
  for (const format of FORMATS) assert.deepEqual(RENDERERS[format](cfg), RENDERERS[format](cfg), format);
  assert.equal(connectionUuid('eth0'), connectionUuid('eth0'));
  assert.notEqual(connectionUuid('eth0'), connectionUuid('eth1'));
  assert.match(
    connectionUuid('eth0'),
    /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

test('values are quoted safely: PowerShell literals and sysconfig values survive hostile text', () => {
  const hostile = `x'; Remove-Item C:\\ -Recurse; '$(whoami)"\``;
  const toks = tokenize(`Set-DnsClient -ConnectionSpecificSuffix ${psQuote(hostile)}`);
  assert.deepEqual(
    toks.map((t) => t.kind),
    ['word', 'param', 'str'],
  );
  assert.equal(toks[2]?.text, hostile);
  assert.equal(sysconfigValue('a b'), '"a b"');
  assert.equal(sysconfigValue('$(reboot)"`'), '"\\$(reboot)\\"\\`"');
  assert.equal(sysconfigValue('10.0.0.1'), '10.0.0.1');
});

test('the PowerShell script renames by MAC, removes before it adds, and sets per-NIC and global DNS', () => {
  const ps = file(
    RENDERERS.powershell(cfgOf('ci-net-os-sample1-physical-static')),
    '/etc/osnet/apply-networking.ps1',
  );
  const lines = ps.split('\r\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  assert.ok(at(/Get-OsnetAdapter -Mac 'FA-16-3E-ED-9A-59'/) >= 0);
  assert.ok(at(/Rename-NetAdapter .* -NewName 'eth0'/) > at(/Get-OsnetAdapter -Mac/));
  assert.ok(at(/Remove-NetIPAddress/) < at(/New-NetIPAddress .*'172\.19\.1\.34' -PrefixLength 22/));
  assert.ok(at(/Remove-NetRoute/) < at(/New-NetRoute .*'0\.0\.0\.0\/0' -NextHop '172\.19\.3\.254'/));
  assert.ok(
    at(/Set-DnsClientServerAddress -InterfaceAlias 'eth0' -ServerAddresses @\('172\.19\.0\.12'\)/) > 0,
  );
  assert.ok(at(/Set-DnsClientGlobalSetting -SuffixSearchList @\('example1\.com', 'example2\.com'\)/) > 0);
});

test('a search domain that could split or inject a line is refused before anything is rendered', () => {
  const cfg = cfgOf('osnet-dhcp-with-routes');
  for (const evil of ['a b', 'corp;example', 'x\n[connection]', '']) {
    const bad = { ...cfg, networks: cfg.networks.map((n, i) => (i === 0 ? { ...n, search: [evil] } : n)) };
    for (const format of FORMATS) {
      assert.throws(
        () => RENDERERS[format](bad),
        (e: unknown) =>
          e instanceof OsnetError &&
          e.code === 'OSNET_ERR_VALIDATION' &&
          e.field === 'networks[d4].dns_search',
        `${format}: ${JSON.stringify(evil)}`,
      );
    }
  }
  assert.throws(() => RENDERERS.netplan({ ...cfg, search: ['bad domain'] }), /search domain "bad domain"/);
});

test('PowerShell renames in two passes, so NICs that swap names cannot collide', () => {
  const ps = file(
    RENDERERS.powershell(cfgOf('ci-configdrive-vif-static-routes')),
    '/etc/osnet/apply-networking.ps1',
  );
  const lines = ps.split('\r\n');
  const temp = lines.flatMap((l, i) => (/-NewName 'osnet-fa163e/.test(l) ? [i] : []));
  const final = lines.flatMap((l, i) => (/-NewName 'eth[01]'/.test(l) ? [i] : []));
  assert.equal(temp.length, 2);
  assert.equal(final.length, 2);
  assert.ok(Math.max(...temp) < Math.min(...final));
  assert.match(
    lines[temp[0] ?? 0] ?? '',
    /Get-OsnetAdapter -Mac 'FA-16-3E-DD-50-9A'; if \(\$nic\.Name -ne 'eth0'\)/,
  );
});
