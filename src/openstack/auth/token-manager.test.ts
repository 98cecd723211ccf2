import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Token } from './token.ts';
import { TokenManager } from './token-manager.ts';

function tokenAt(value: string, issued: number, lifetimeMs: number): Token {
  return {
    value,
    issuedAt: new Date(issued),
    expiresAt: new Date(issued + lifetimeMs),
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
