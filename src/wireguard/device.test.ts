// Integration (root): Devices.create with wireguard-go. wireguard-go makes its UAPI socket in a parent
// process that then hands the TUN device to a daemon child; the child looks the interface up by name in
// the root namespace. An interface moved away before that is lost with the child, so create must hand
// back an interface that is still there once it is in its namespace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Exec } from '../host/exec.ts';
import { addNetns, delNetns } from '../host/netns.ts';
import { Devices } from './device.ts';

const rnd = Math.random().toString(36).slice(2, 7);
const ns = `wgdevt-${rnd}`;
const ex = new Exec();

before(() => addNetns(ns));
after(() => delNetns(ns));

test('an interface created by wireguard-go and moved into its namespace is still there, 12 times over', async () => {
  const dev = new Devices('userspace');
  const lost: number[] = [];
  for (let i = 0; i < 12; i++) {
    const ifname = `wgt${rnd}${i.toString(16)}`;
    await dev.create(ifname, ns);
    if ((await dev.locate(ifname, [ns]))?.ns !== ns) lost.push(i);
    // answers UAPI as well: the daemon that serves it runs
    if (!lost.includes(i)) assert.equal((await dev.get(ifname, ns)).peers.size, 0);
    await ex.run(['ip', '-n', ns, 'link', 'del', ifname]).catch(() => undefined);
  }
  assert.deepEqual(lost, [], 'creations whose interface vanished');
});
