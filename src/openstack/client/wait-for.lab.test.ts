// Integration: waitFor against the lab's real Neutron (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countingClient } from '../../testing/openstack/counting-client.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { testName } from '../../testing/openstack/lab.ts';
import * as networks from '../networking/v2/networks/index.ts';
import * as ports from '../networking/v2/ports/index.ts';
import type { ServiceClient } from './service-client.ts';
import { WaitError, waitFor, waitForGone, waitForStatus } from './wait-for.ts';

const lab = labFixture(['lab-demo'], 'network');
const { cleanup } = lab;
let net: ServiceClient;
let network: networks.Network;

before(async () => {
  [, [net]] = await lab.open();
  network = await networks.create(net, { name: testName('wait') });
  cleanup.defer(() => networks.removeIfExists(net, network.id));
});

after(() => lab.close());

async function port(): Promise<ports.Port> {
  const p = await ports.create(net, { network_id: network.id, name: testName('wport') });
  cleanup.defer(() => ports.removeIfExists(net, p.id));
  return p;
}

const later = (ms: number, fn: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(fn);

test('a port deleted while polling: waitForGone ends on the 404, after more than one poll', async () => {
  const p = await port();
  const { client, urls } = countingClient(net);
  const deleting = later(600, () => ports.remove(net, p.id));
  await waitForGone(() => ports.get(client, p.id), {
    what: `port ${p.id}`,
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  await deleting;
  assert.ok(urls.length >= 2, `polled ${urls.length} time(s)`);
});

test('a status reached (the network ACTIVE) and a change made meanwhile (the port renamed) end the wait', async () => {
  const n = await waitForStatus(() => networks.get(net, network.id), 'ACTIVE', {
    what: `network ${network.id}`,
  });
  assert.equal(n.status, 'ACTIVE');
  const p = await port();
  const name = testName('ready');
  const renaming = later(500, () => ports.update(net, p.id, { name }));
  const got = await waitFor(
    () => ports.get(net, p.id),
    (x) => x.name === name,
    {
      what: `port ${p.id}`,
      timeoutMs: 20_000,
      intervalMs: 100,
    },
  );
  await renaming;
  assert.equal(got.name, name);
});

test('an unbound port never goes ACTIVE: the deadline error shows its last real status', async () => {
  const p = await port();
  await assert.rejects(
    waitForStatus(() => ports.get(net, p.id), 'ACTIVE', {
      what: `port ${p.id}`,
      timeoutMs: 1_500,
      intervalMs: 200,
    }),
    (e: unknown) => {
      assert.ok(e instanceof WaitError, String(e));
      assert.equal(e.outcome, 'timeout');
      assert.equal(e.lastStatus, 'DOWN');
      assert.match(
        e.message,
        new RegExp(`^port ${p.id}: not ACTIVE after \\d+\\.\\d s \\(last status DOWN\\)$`),
      );
      return true;
    },
  );
});
