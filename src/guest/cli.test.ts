import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/guest/cli.ts';
import { Netns } from '../testing/guest/netns.ts';
import { treeSums } from '../testing/guest/tree.ts';
import { ALIAS_PATH, BIN_PATH, UDEV_RULE_PATH, UNIT_PATH } from './install.ts';

const MAC0 = 'fa:16:3e:50:00:01';
const VALID = {
  links: [{ id: 'a', type: 'ovs', ethernet_mac_address: MAC0, mtu: 1450 }],
  networks: [
    {
      id: 'n0',
      link: 'a',
      type: 'ipv4',
      ip_address: '10.70.0.2',
      netmask: '255.255.255.0',
      routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.70.0.1' }],
    },
  ],
  services: [{ type: 'dns', address: '10.70.0.53' }],
};
const INVALID = { ...VALID, networks: [{ ...VALID.networks[0], netmask: '255.0.255.0' }] };

let dir: string;
let valid: string;
let invalid: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osg-cli-'));
  valid = join(dir, 'valid.json');
  invalid = join(dir, 'invalid.json');
  await writeFile(valid, JSON.stringify(VALID));
  await writeFile(invalid, JSON.stringify(INVALID));
});
after(() => rm(dir, { recursive: true, force: true }));

test('validate: a valid file, stdin and --b64 pass; an invalid one exits 65 naming the JSON path', async () => {
  const ok = await runCli(['validate', '--input', valid]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).networks, ['n0:ipv4:10.70.0.2/24']);
  const stdin = await runCli(['validate', '--source', 'stdin'], { input: JSON.stringify(VALID) });
  assert.equal(stdin.code, 0, stdin.stderr);
  const b64 = await runCli(['validate', '--b64', Buffer.from(JSON.stringify(VALID)).toString('base64')]);
  assert.equal(b64.code, 0, b64.stderr);
  const bad = await runCli(['validate', '--input', invalid]);
  assert.equal(bad.code, 65);
  assert.match(bad.stderr, /\$\.networks\[0\]\.netmask: must be a contiguous IPv4 netmask/);
  const garbage = await runCli(['validate', '--b64', 'not base64!']);
  assert.equal(garbage.code, 65);
  const usage = await runCli(['render', '--format', 'bogus', '--input', valid, '--root', dir]);
  assert.equal(usage.code, 64);
});

test('render writes under --root only; --dry-run writes nothing and prints the diff', async () => {
  const root = join(dir, 'render');
  await mkdir(root);
  const renderTo = (mac: string) => [
    'render',
    '--input',
    valid,
    '--format',
    'networkd',
    '--root',
    root,
    '--mac-map',
    `ens3=${mac}`,
  ];
  const args = renderTo(MAC0);
  const dry = await runCli([...args, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^\+\+\+ b\/etc\/systemd\/network\/.*ens3.*\.network$/m);
  assert.deepEqual(await treeSums(root), {}, 'dry run wrote nothing');
  const real = await runCli(args);
  assert.equal(real.code, 0, real.stderr);
  const written = Object.keys(await treeSums(root));
  // The NIC's .network, and the global DNS as systemd-resolved's drop-in.
  const ours = (p: string) =>
    p.startsWith('etc/systemd/network/') || p === 'etc/systemd/resolved.conf.d/50-osnet.conf';
  assert.ok(written.length > 0 && written.every(ours), written.join());
  const again = await runCli([...args, '--dry-run']);
  assert.doesNotMatch(again.stdout, /^\+\+\+ /m, 'no diff once written');
  const missing = await runCli(renderTo('fa:16:3e:99:99:99'));
  assert.equal(missing.code, 69);
  assert.match(missing.stderr, /link a/);
});

test('format auto-detection reads os-release under --root', async () => {
  const root = join(dir, 'ubuntu');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(
    join(root, 'etc/os-release'),
    'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
  );
  const r = await runCli(['render', '--input', valid, '--root', root, '--mac-map', `ens3=${MAC0}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /etc\/netplan\/.*ens3.*\.yaml/);
  const none = await runCli([
    'render',
    '--input',
    valid,
    '--root',
    join(dir, 'empty-root'),
    '--mac-map',
    `ens3=${MAC0}`,
  ]);
  assert.equal(none.code, 64);
  assert.match(none.stderr, /pass --format/);
});

test('render --format ip writes the command script as well as resolv.conf', async () => {
  const root = join(dir, 'render-ip');
  await mkdir(root);
  const r = await runCli([
    'render',
    '--format',
    'ip',
    '--input',
    valid,
    '--root',
    root,
    '--mac-map',
    `ens3=${MAC0}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const script = await readFile(join(root, 'etc/osnet/ip-commands.sh'), 'utf8');
  assert.match(script, /ip -4 address replace 10\.70\.0\.2\/24 dev ens3/);
  assert.match(await readFile(join(root, 'etc/resolv.conf'), 'utf8'), /nameserver 10\.70\.0\.53/);
});

test('apply with invalid input changes nothing: same target tree, same live NIC state, exit 65', async () => {
  const ns = await Netns.create('cli');
  try {
    await ns.addVeth('osg-c0', MAC0);
    const root = join(dir, 'apply-root');
    await mkdir(root);
    const args = [
      'apply',
      '--format',
      'ip',
      '--root',
      root,
      '--netns',
      ns.name,
      '--mac-map',
      `osg-c0=${MAC0}`,
    ];
    const first = await runCli([...args, '--input', valid]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout).touched, ['osg-c0']);
    assert.deepEqual(ns.addrs('osg-c0'), ['10.70.0.2/24']);
    const tree = await treeSums(root);
    const live = ns.snapshot(['osg-c0']);
    for (const input of [invalid, join(dir, 'nope.json')]) {
      const r = await runCli([...args, '--input', input]);
      assert.notEqual(r.code, 0);
      assert.deepEqual(await treeSums(root), tree);
      assert.deepEqual(ns.snapshot(['osg-c0']), live);
    }
    const bad = await runCli([...args, '--input', invalid]);
    assert.equal(bad.code, 65);
    assert.match(await readFile(join(root, 'etc/resolv.conf'), 'utf8'), /nameserver 10\.70\.0\.53/);
  } finally {
    await ns.destroy();
  }
});

test('install puts binary, alias, udev rule and unit under --root; uninstall removes them', async () => {
  const root = join(dir, 'install-root');
  const bin = join(dir, 'fake-osnet-guest');
  await writeFile(bin, '#!/bin/sh\necho osnet-guest\n');
  await chmod(bin, 0o700);
  const r = await runCli(['install', '--root', root, '--binary', bin, '--no-activate']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await lstat(join(root, BIN_PATH))).mode & 0o777, 0o755);
  assert.equal(await readlink(join(root, ALIAS_PATH)), 'osnet-guest');
  assert.equal(
    execFileSync(join(root, ALIAS_PATH), { encoding: 'utf8' }),
    'osnet-guest\n',
    'the alias runs the binary',
  );
  const rule = await readFile(join(root, UDEV_RULE_PATH), 'utf8');
  assert.match(rule, /SUBSYSTEM=="net", ACTION=="add\|remove"/);
  const unit = await readFile(join(root, UNIT_PATH), 'utf8');
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/osnet-guest watch$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
  const u = await runCli(['uninstall', '--root', root, '--no-activate']);
  assert.equal(u.code, 0, u.stderr);
  assert.deepEqual(await treeSums(root), {});
});

// udevadm comes from the udev package scripts/lab/install installs
test('the udev rule parses and fires for a NIC add, as udevadm test shows', async () => {
  const ns = await Netns.create('udev');
  const root = join(dir, 'udev-root');
  try {
    await ns.addVeth('osg-u0', 'fa:16:3e:50:00:09');
    const r = await runCli(['install', '--root', root, '--binary', process.execPath, '--no-activate']);
    assert.equal(r.code, 0, r.stderr);
    await mkdir(join(root, 'run-udev'));
    // A rule before ours renames the NIC, as NAME= and predictable naming do on a real hot-add: the event
    // must name the NIC the system has by then, not the kernel's first name.
    await writeFile(
      join(root, 'etc/udev/rules.d/10-osnet-test-rename.rules'),
      'SUBSYSTEM=="net", ACTION=="add", KERNEL=="osg-u0", NAME="osg-u0r"\n',
    );
    // A private mount namespace inside the test netns: the rules directory and udev's database are
    // bind-mounted from the temp root, so the host's udev is neither read nor written. /run gets a private
    // tmpfs first: on a machine where udev never ran there is no /run/udev to bind over.
    const script = [
      'mount --make-rprivate /',
      'mount -t tmpfs none /run',
      'mkdir /run/udev',
      `mount --bind ${join(root, 'etc/udev/rules.d')} /etc/udev/rules.d`,
      `mount --bind ${join(root, 'run-udev')} /run/udev`,
      'udevadm test --action=add /sys/class/net/osg-u0 2>&1',
    ].join(' && ');
    const out = execFileSync('ip', ['netns', 'exec', ns.name, 'unshare', '-m', 'sh', '-c', script], {
      encoding: 'utf8',
    });
    assert.match(out, /Reading rules file: \/etc\/udev\/rules\.d\/99-osnet-guest\.rules/);
    assert.match(out, /^run: '\/usr\/bin\/systemd-run .*\/usr\/local\/bin\/osnet-guest event add osg-u0r'$/m);
    assert.doesNotMatch(out, /99-osnet-guest\.rules:\d+ .*(invalid|error)/i);
  } finally {
    await ns.destroy();
  }
});
