// Offline: the deadline, the backoff and what a failed wait says (undici MockAgent playing Nova and Cinder;
// the fault shape is Nova's "Show Server Details" for a server in ERROR). The lab test is wait-for.lab.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mockServicePerTest } from '../../testing/openstack/mock-service.ts';
import * as volumes from '../blockstorage/v3/volumes/index.ts';
import * as servers from '../compute/v2/servers/index.ts';
import { WaitError, waitForGone, waitForStatus } from './wait-for.ts';

const serve = mockServicePerTest();

const server = (status: string, extra: Record<string, unknown> = {}) => ({
  server: {
    id: 's1',
    name: 'vm1',
    status,
    'OS-EXT-STS:task_state': status === 'BUILD' ? 'spawning' : null,
    ...extra,
  },
});

/** A clock that only moves when the wait sleeps, so the test runs instantly and sees every pause. */
function fakeClock() {
  let t = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => t,
    sleep: async (ms: number) => {
      pauses.push(ms);
      t += ms;
    },
  };
}

test('a deadline error names what was awaited, the last status and the fault; pauses double up to the cap', async () => {
  const mock = serve('compute', 'http://nova.test:8774/v2.1/').on('GET', '/v2.1/servers/s1', {
    body: server('BUILD', {
      fault: { code: 500, message: 'Build of instance s1 was re-scheduled', created: 'x' },
    }),
  });
  const clock = fakeClock();
  const client = mock.client;
  await assert.rejects(
    waitForStatus(() => servers.get(client, 's1'), 'ACTIVE', {
      what: 'server s1',
      timeoutMs: 10_000,
      intervalMs: 1_000,
      maxIntervalMs: 4_000,
      ...clock,
    }),
    (e: unknown) => {
      assert.ok(e instanceof WaitError);
      assert.equal(e.code, 'OSNET_ERR_OS_TIMEOUT');
      assert.equal(e.outcome, 'timeout');
      assert.equal(e.lastStatus, 'BUILD');
      assert.equal(e.fault, 'Build of instance s1 was re-scheduled (code 500)');
      assert.match(
        e.message,
        /^server s1: not ACTIVE after 10\.0 s \(last status BUILD; fault: Build of instance s1 was re-scheduled \(code 500\)\)$/,
      );
      return true;
    },
  );
  // 1 + 2 + 4 + 3 (the rest up to the deadline), then the last poll at the deadline
  assert.deepEqual(clock.pauses, [1_000, 2_000, 4_000, 3_000]);
  assert.equal(mock.requests.length, 5);
});

test('ERROR ends the wait at once with the fault; the wanted status is returned when reached', async () => {
  const mock = serve('compute', 'http://nova.test:8774/v2.1/')
    .on(
      'GET',
      '/v2.1/servers/bad',
      { body: server('BUILD') },
      {
        body: server('ERROR', { fault: { code: 500, message: 'No valid host was found. ', created: 'x' } }),
      },
    )
    .on(
      'GET',
      '/v2.1/servers/s1',
      { body: server('BUILD') },
      { body: server('BUILD') },
      { body: server('ACTIVE') },
    );
  const clock = fakeClock();
  const client = mock.client;
  await assert.rejects(
    waitForStatus(() => servers.get(client, 'bad'), 'ACTIVE', { what: 'server bad', ...clock }),
    (e: unknown) =>
      e instanceof WaitError &&
      e.outcome === 'failed' &&
      e.lastStatus === 'ERROR' &&
      /^server bad: went to ERROR while waiting for it to be ACTIVE \(fault: No valid host was found\. \(code 500\)\)$/.test(
        e.message,
      ),
  );
  const s = await waitForStatus(() => servers.get(client, 's1'), 'active', { what: 'server s1', ...clock });
  assert.equal(s.status, 'ACTIVE');
});

test("waitForGone ends on 404, fails on Cinder's error_deleting, and a wait for a status fails when it is gone", async () => {
  const mock = serve('block-storage', 'http://cinder.test:8776/v3/p/')
    .on(
      'GET',
      '/v3/p/volumes/v1',
      { body: { volume: { id: 'v1', status: 'deleting' } } },
      {
        status: 404,
        body: { itemNotFound: { code: 404, message: 'Volume v1 could not be found.' } },
      },
    )
    .on('GET', '/v3/p/volumes/v2', { body: { volume: { id: 'v2', status: 'error_deleting' } } })
    .on(
      'GET',
      '/v3/p/volumes/v3',
      { body: { volume: { id: 'v3', status: 'creating' } } },
      {
        status: 404,
        body: { itemNotFound: { code: 404, message: 'gone' } },
      },
    );
  const clock = fakeClock();
  const client = mock.client;
  await waitForGone(() => volumes.get(client, 'v1'), { what: 'volume v1', ...clock });
  await assert.rejects(
    waitForGone(() => volumes.get(client, 'v2'), { what: 'volume v2', ...clock }),
    (e: unknown) =>
      e instanceof WaitError && e.outcome === 'failed' && /went to error_deleting/.test(e.message),
  );
  await assert.rejects(
    waitForStatus(() => volumes.get(client, 'v3'), 'available', { what: 'volume v3', ...clock }),
    (e: unknown) =>
      e instanceof WaitError &&
      e.code === 'OSNET_ERR_OS_NOT_FOUND' &&
      /^volume v3: gone while waiting for it to be AVAILABLE \(last status creating\)$/.test(e.message),
  );
});

test('bad wait options fail naming the field', () => {
  assert.throws(
    () => waitForStatus(async () => ({}), [], { what: 'x' }),
    (e: unknown) => (e as { field?: string }).field === 'wanted',
  );
});
