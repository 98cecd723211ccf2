import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Token } from './token.ts';
import { TokenManager } from './token-manager.ts';

/** A token Keystone issued at `issued` (its clock), received at `received` (ours; the same unless skewed). */
function tokenAt(value: string, issued: number, lifetimeMs: number, received = issued): Token {
  return {
    value,
    issuedAt: new Date(issued),
    expiresAt: new Date(issued + lifetimeMs),
    receivedAt: received,
    userId: 'u',
    userName: 'u',
    projectId: 'p',
    projectName: 'p',
    domainId: undefined,
    roles: [],
    catalog: [],
  };
}

test('concurrent callers share one token issue', async () => {
  let calls = 0;
  const tm = new TokenManager(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 20));
    return tokenAt(`t${calls}`, Date.now(), 3_600_000);
  });
  const got = await Promise.all(Array.from({ length: 10 }, () => tm.get()));
  assert.equal(calls, 1);
  assert.ok(got.every((t) => t.value === 't1'));
  assert.equal((await tm.get()).value, 't1');
  assert.equal(calls, 1);
});

test('re-issued before expiry (margin), not after', async () => {
  let now = 1_000_000;
  let calls = 0;
  const tm = new TokenManager(async () => tokenAt(`t${++calls}`, now, 3_600_000), {
    refreshMarginMs: 300_000,
    now: () => now,
  });
  assert.equal((await tm.get()).value, 't1');
  now += 3_600_000 - 300_001; // just outside the margin
  assert.equal((await tm.get()).value, 't1');
  now += 2; // inside the margin
  assert.equal((await tm.get()).value, 't2');
});

test('a local clock 2 h ahead of Keystone, 1 h tokens: one issue serves many calls', async () => {
  const skew = 2 * 3_600_000;
  let keystoneNow = 1_700_000_000_000;
  const local = () => keystoneNow + skew;
  let calls = 0;
  const tm = new TokenManager(async () => tokenAt(`t${++calls}`, keystoneNow, 3_600_000, local()), {
    now: local,
  });
  for (let i = 0; i < 5; i++) {
    assert.equal((await tm.get()).value, 't1');
    keystoneNow += 60_000;
  }
  assert.equal(calls, 1);
  // its real life still ends it: 55 min after issue (inside the 5 min margin) a new one is issued
  keystoneNow += 50 * 60_000;
  assert.equal((await tm.get()).value, 't2');
});

test('a local clock 2 h behind Keystone does not keep an expired token', async () => {
  let keystoneNow = 1_700_000_000_000;
  const local = () => keystoneNow - 2 * 3_600_000;
  let calls = 0;
  const tm = new TokenManager(async () => tokenAt(`t${++calls}`, keystoneNow, 3_600_000, local()), {
    now: local,
  });
  assert.equal((await tm.get()).value, 't1');
  keystoneNow += 3_600_000;
  assert.equal((await tm.get()).value, 't2', 'an hour later the 1 h token is gone, whatever the clock says');
});

test('renew after a 401: ten callers holding the stale token cause one re-issue', async () => {
  let calls = 0;
  const tm = new TokenManager(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    return tokenAt(`t${calls}`, Date.now(), 3_600_000);
  });
  const stale = await tm.get();
  const renewed = await Promise.all(Array.from({ length: 10 }, () => tm.renew(stale)));
  assert.equal(calls, 2);
  assert.ok(renewed.every((t) => t.value === 't2'));
  // a late caller with the old token gets the new one without another issue
  assert.equal((await tm.renew(stale)).value, 't2');
  assert.equal(calls, 2);
});

test('a failed issue is not cached: the next call tries again', async () => {
  let calls = 0;
  const tm = new TokenManager(async () => {
    calls++;
    if (calls === 1) throw new Error('keystone down');
    return tokenAt('ok', Date.now(), 3_600_000);
  });
  await assert.rejects(tm.get(), /keystone down/);
  assert.equal((await tm.get()).value, 'ok');
});
