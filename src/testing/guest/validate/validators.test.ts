/**
 * The validators must be able to fail: each one is fed a broken rendering and has to report it. Without
 * this, "zero errors" from render.test.ts would prove nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RENDERERS } from '../../../guest/formats/index.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { parse } from '../../../guest/model/parse.ts';
import { resolveNames } from '../../../guest/model/resolve-names.ts';
import { loadFixtures } from '../fixtures.ts';
import { validateIfupdown } from './ifupdown.ts';
import { runIfupdown } from './ifupdown-run.ts';
import { validateIp } from './ip.ts';
import { validateNetplan } from './netplan.ts';
import { validateNetworkd } from './networkd.ts';
import { runNetplanViaNetworkd, runNetworkd } from './networkd-run.ts';
import { validateNetworkManager } from './networkmanager.ts';
import { runNetworkManager } from './networkmanager-run.ts';
import { checkPowershell } from './powershell.ts';
import { powershellSyntaxErrors } from './powershell-grammar.ts';
import { checkResolvedDropIns } from './resolved.ts';
import { checkSysconfig } from './sysconfig.ts';

const sample = loadFixtures().find((f) => f.name === 'ci-configdrive-tap-ipv4-ipv6-routes');
assert.ok(sample);
const cfg = resolveNames(parse(sample.raw), sample.macMap);

/** Replaces `from` by `to` in the first file containing it. */
function tamper(files: RenderedFile[], from: string | RegExp, to: string): RenderedFile[] {
  let done = false;
  const out = files.map((f) => {
    if (done || !f.content.match(from)) return f;
    done = true;
    return { ...f, content: f.content.replace(from, to) };
  });
  assert.ok(done, `nothing to tamper with: ${from}`);
  return out;
}

test('the resolved drop-in check reports an unknown key, a bad server and an empty list', () => {
  const files = RENDERERS.networkd(cfg);
  assert.deepEqual(checkResolvedDropIns(files), []);
  const drop = files.find((f) => f.dns);
  assert.ok(drop, 'the sample has global DNS');
  const bad = [{ ...drop, content: `${drop.content}Frobnicate=yes\nDNS=10.0.0.300\nDomains=\n` }];
  const errors = checkResolvedDropIns(bad);
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors.join('\n'), /unknown key Frobnicate.*\n.*10\.0\.0\.300 is not an IP.*\n.*empty/);
});

test('netplan generate rejects an unknown key and a bad address', async () => {
  const files = RENDERERS.netplan(cfg);
  const r1 = await validateNetplan(tamper(files, 'dhcp4: false', 'dhcp4: false\n      frobnicate: true'));
  assert.ok(
    r1.errors.some((e) => /frobnicate/.test(e)),
    JSON.stringify(r1),
  );
  const r2 = await validateNetplan(tamper(files, '172.17.48.18/25', '172.17.48.318/25'));
  assert.ok(r2.errors.length > 0, JSON.stringify(r2));
});

test('systemd-networkd reports unknown keys and unparsable values', async () => {
  const files = RENDERERS.networkd(cfg);
  const r = await validateNetworkd(tamper(files, 'DHCP=no', 'DHCP=no\nFrobnicate=yes\nMTUBytes=abc'));
  assert.equal(r.errors.length, 2, JSON.stringify(r));
  assert.match(r.errors.join('\n'), /Unknown key 'Frobnicate'/);
  const r2 = await validateNetworkd(tamper(files, /Gateway=172\.17\.48\.1/, 'Gateway=172.17.48.999'));
  assert.ok(r2.errors.length > 0, JSON.stringify(r2));
});

test('ifupdown rejects a stanza without a method, an option outside any stanza, a repeated option', async () => {
  const files = RENDERERS.ifupdown(cfg);
  const r = await validateIfupdown(tamper(files, 'iface eth0 inet static', 'iface eth0 inet'));
  assert.ok(r.errors.length > 0, JSON.stringify(r));
  const r2 = await validateIfupdown(tamper(files, 'auto eth0', 'address 10.0.0.1/8\nauto eth0'));
  assert.ok(r2.errors.length > 0, JSON.stringify(r2));
  const r3 = await validateIfupdown(
    tamper(files, '    address 172.17.48.18/25', '    address 172.17.48.18/25\n    address 172.17.48.19/25'),
  );
  assert.ok(
    r3.errors.some((e) => /address given twice/.test(e)),
    JSON.stringify(r3),
  );
});

test('nmcli --offline: unknown keys (dropped silently by NM), bad values and open modes are reported', async () => {
  const files = RENDERERS.networkmanager(cfg);
  const r = await validateNetworkManager(tamper(files, 'autoconnect=true', 'autoconnect=true\nfrobnicate=1'));
  assert.ok(
    r.errors.some((e) => /frobnicate/.test(e)),
    JSON.stringify(r),
  );
  const r2 = await validateNetworkManager(tamper(files, 'method=manual', 'method=sideways'));
  assert.ok(r2.errors.length > 0, JSON.stringify(r2));
  const r3 = await validateNetworkManager(files.map((f) => ({ ...f, mode: 0o644 })));
  assert.ok(
    r3.errors.some((e) => /mode 644/.test(e)),
    JSON.stringify(r3),
  );
});

test('the sysconfig checker refuses unknown keys, bad values, unsafe quoting and missing partners', () => {
  const files = RENDERERS.sysconfig(cfg);
  const bad = (from: string | RegExp, to: string) => checkSysconfig(tamper(files, from, to)).errors;
  assert.match(bad('ONBOOT=yes', 'ONBOOT=yes\nFROB=1').join(), /unknown key FROB/);
  assert.match(bad('IPADDR=172.17.48.18', 'IPADDR=172.17.48.318').join(), /IPADDR=172\.17\.48\.318/);
  assert.match(bad('ONBOOT=yes', 'ONBOOT=maybe').join(), /yes or no/);
  assert.match(bad('DNS1=172.16.36.11', 'DNS1=172.16.36.11; reboot').join(), /unsafe or badly quoted/);
  assert.match(bad(/^PREFIX=25$/m, '').join(), /IPADDR without PREFIX/);
  assert.match(bad('ONBOOT=yes', 'ONBOOT=yes\nONBOOT=no').join(), /given twice/);
  assert.match(bad('172.16.0.0/16 via', '172.16.0.0/16 through').join(), /want "DEST via GW/);
  assert.deepEqual(checkSysconfig(files).errors, []);
});

test('the PowerShell checker refuses broken quoting, unknown cmdlets and adds without removes', () => {
  const files = RENDERERS.powershell(cfg);
  const bad = (from: string | RegExp, to: string) => checkPowershell(tamper(files, from, to)).errors;
  assert.match(bad("-IPAddress '172.17.48.18'", "-IPAddress '172.17.48.18").join(), /unterminated string/);
  assert.match(
    bad('Set-DnsClientServerAddress', 'Invoke-Expression').join(),
    /Invoke-Expression is not allowed/,
  );
  assert.match(
    bad(/^Get-NetIPAddress -InterfaceAlias 'eth0' -AddressFamily IPv4 .*$/m, '').join(),
    /without removing/,
  );
  assert.match(bad("-NextHop '172.17.48.1'", "-NextHop 'gateway'").join(), /quoted IP address/);
  assert.match(bad("-NewName 'eth0'", "-NewName 'eth9'").join(), /alias eth0 used before it is named/);
  assert.deepEqual(checkPowershell(files).errors, []);
});

test('ip: commands that leave the namespace different from the config are caught on read-back', async () => {
  const files = RENDERERS.ip(cfg);
  const r = await validateIp(
    tamper(files, 'address replace 172.16.48.13/25', 'address replace 172.16.48.14/25'),
    cfg,
  );
  assert.ok(
    r.errors.some((e) => /eth1: addresses/.test(e)),
    JSON.stringify(r),
  );
  const r2 = await validateIp(
    tamper(files, /^ip link set dev eth0 up$/m, 'ip link set dev eth0 mtu 1280\nip link set dev eth0 up'),
    {
      ...cfg,
      links: cfg.links.map((l) => (l.name === 'eth0' ? { ...l, mtu: 1400 } : l)),
    },
  );
  assert.ok(
    r2.errors.some((e) => /eth0: mtu 1280, want 1400/.test(e)),
    JSON.stringify(r2),
  );
  const r3 = await validateIp(tamper(files, 'ip -4 route replace', 'ip -4 route frobnicate'), cfg);
  assert.ok(
    r3.errors.some((e) => /first run/.test(e)),
    JSON.stringify(r3),
  );
});

test('the PowerShell grammar finds syntax errors the script would hit on Windows', async () => {
  const [script] = RENDERERS.powershell(cfg);
  assert.ok(script);
  assert.deepEqual(await powershellSyntaxErrors(script.content), []);
  const broken = script.content.replace("-IPAddress '172.17.48.18'", "-IPAddress '172.17.48.18");
  assert.ok((await powershellSyntaxErrors(broken)).length > 0);
  assert.ok((await powershellSyntaxErrors(`${script.content}if ($x) { Foo }}\r\n`)).length > 0);
});

test('ifup in a netns: a hook that adds the wrong route is caught', async () => {
  const files = RENDERERS.ifupdown(cfg);
  const r = await runIfupdown(
    tamper(files, 'post-up ip -4 route replace 172.16.0.0/16', 'post-up ip -4 route replace 172.18.0.0/16'),
    cfg,
  );
  assert.ok(
    r.errors.some((e) => /route 172\.16\.0\.0\/16 via 172\.16\.48\.1 missing/.test(e)),
    JSON.stringify(r),
  );
});

test('real daemons in a netns: a rendering that configures the wrong address or MTU is caught', async () => {
  const wrongAddress = (files: RenderedFile[]) => tamper(files, '172.16.48.13/25', '172.16.48.14/25');
  const nd = await runNetworkd(wrongAddress(RENDERERS.networkd(cfg)), cfg);
  assert.ok(
    nd.errors.some((e) => /eth1: addresses \["172\.16\.48\.14\/25"\]/.test(e)),
    JSON.stringify(nd),
  );
  const nm = await runNetworkManager(wrongAddress(RENDERERS.networkmanager(cfg)), cfg);
  assert.ok(
    nm.errors.some((e) => /eth1: addresses \["172\.16\.48\.14\/25"\]/.test(e)),
    JSON.stringify(nm),
  );
  const np = await runNetplanViaNetworkd(
    tamper(RENDERERS.netplan(cfg), '"172.16.48.13/25"', '"172.16.48.14/25"'),
    cfg,
  );
  assert.ok(
    np.errors.some((e) => /eth1: addresses \["172\.16\.48\.14\/25"\]/.test(e)),
    JSON.stringify(np),
  );
  const withMtu = { ...cfg, links: cfg.links.map((l) => (l.name === 'eth1' ? { ...l, mtu: 1400 } : l)) };
  const nm2 = await runNetworkManager(RENDERERS.networkmanager(cfg), withMtu);
  assert.ok(
    nm2.errors.some((e) => /eth1: mtu 1500, want 1400/.test(e)),
    JSON.stringify(nm2),
  );
});
