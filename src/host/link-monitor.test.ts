import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Exec } from './exec.ts';
import { type LinkEvent, LinkMonitor } from './link-monitor.ts';
import { addNetns, delNetns, ipArgv } from './netns.ts';

const NS = `osnet-hm-${process.pid}`;
const exec = new Exec();
const ip = (...args: string[]) => exec.run(ipArgv(args, NS));

before(() => addNetns(NS));
after(() => delNetns(NS));

test('the link monitor reports links added and removed after it started, with MAC and kind', async () => {
  await ip('link', 'add', 'osh-b0', 'type', 'veth', 'peer', 'name', 'osh-b0p');
  const events: LinkEvent[] = [];
  const errors: Error[] = [];
  const mon = new LinkMonitor({ netns: NS, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
  await mon.start();
  try {
    await ip(
      'link',
      'add',
      'osh-m0',
      'address',
      'fa:16:3e:70:00:02',
      'type',
      'veth',
      'peer',
      'name',
      'osh-m0p',
    );
    await ip('link', 'set', 'osh-m0', 'mtu', '1400'); // a change, not an add
    await ip('link', 'del', 'osh-m0');
    const end = Date.now() + 5000;
    while (events.filter((e) => e.action === 'remove').length < 2 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    const mine = events.map((e) => `${e.action} ${e.ifname} ${e.kind} ${e.mac}`).sort();
    assert.deepEqual(mine, [
      'add osh-m0 veth fa:16:3e:70:00:02',
      `add osh-m0p veth ${events.find((e) => e.ifname === 'osh-m0p')?.mac}`,
      'remove osh-m0 veth fa:16:3e:70:00:02',
      `remove osh-m0p veth ${events.find((e) => e.ifname === 'osh-m0p')?.mac}`,
    ]);
    assert.ok(!events.some((e) => e.ifname.startsWith('osh-b0')), 'links present at start are the baseline');
  } finally {
    mon.stop();
    await ip('link', 'del', 'osh-b0');
  }
  assert.deepEqual(errors, []);
});
