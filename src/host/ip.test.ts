import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../lib/errors.ts';
import { Exec } from './exec.ts';
import { ipJson, linkInfo, listLinks } from './ip.ts';
import { addNetns, delNetns, inNetns, ipArgv, listNetns } from './netns.ts';

// A real namespace with real links: these wrappers only mean something against the kernel.
const NS = `osnet-h-${process.pid}`;
const exec = new Exec();
const ip = (...args: string[]) => exec.run(ipArgv(args, NS));

before(() => addNetns(NS));
after(() => delNetns(NS));

test('a named namespace is listed, has its loopback up, and is reachable by name and by path', async () => {
  assert.ok((await listNetns()).includes(NS));
  const byName = await listLinks(NS);
  assert.deepEqual(
    byName.map((l) => [l.ifname, l.link_type, l.flags?.includes('UP')]),
    [['lo', 'loopback', true]],
  );
  const byPath = await listLinks(`/run/netns/${NS}`);
  assert.deepEqual(
    byPath.map((l) => l.ifname),
    ['lo'],
  );
  const { stdout } = await exec.read(inNetns(['ip', '-o', 'link', 'show'], `/run/netns/${NS}`));
  assert.equal(stdout.trim().split('\n').length, 1, 'only the namespace’s loopback, not the host’s links');
});

test('linkInfo gives the MAC (lower case) and the kernel kind; a missing link gives nothing', async () => {
  await ip(
    'link',
    'add',
    'osh-a0',
    'address',
    'FA:16:3E:70:00:01',
    'type',
    'veth',
    'peer',
    'name',
    'osh-a0p',
  );
  try {
    assert.deepEqual(await linkInfo('osh-a0', NS), { mac: 'fa:16:3e:70:00:01', kind: 'veth' });
    assert.deepEqual(await linkInfo('osh-none', NS), {});
    const addrs = await ipJson<{ ifname: string }>(['addr', 'show', 'dev', 'osh-a0'], NS);
    assert.equal(addrs[0]?.ifname, 'osh-a0');
  } finally {
    await ip('link', 'del', 'osh-a0');
  }
});

test('a failing ip command is OSNET_ERR_COMMAND with the argv and the tool’s stderr', async () => {
  await assert.rejects(ipJson(['link', 'show', 'dev', 'osh-none'], NS), (e: unknown) => {
    assert.ok(e instanceof OsnetError);
    assert.equal(e.code, 'OSNET_ERR_COMMAND');
    assert.match(e.message, /^ip -n osnet-h-\d+ -j link show dev osh-none: .*does not exist/);
    assert.deepEqual(e.details.command, ['ip', '-n', NS, '-j', 'link', 'show', 'dev', 'osh-none']);
    return true;
  });
});
