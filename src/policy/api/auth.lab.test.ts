// The token cache against the lab's real Keystone: hits make no call, the bound evicts the oldest, an
// expired entry is validated again, and a bad token is never cached.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { keystoneTokens } from './auth.ts';

describe('Keystone token cache (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo', 'lab-demo2'], 'identity');
  let identity: ServiceClient;
  let demo: string;
  let demo2: string;
  let demoProject: string | undefined;

  before(async () => {
    const [clouds, [id]] = await lab.open();
    identity = id;
    const [t1, t2] = await Promise.all([clouds[1].token(), clouds[2].token()]);
    [demo, demo2, demoProject] = [t1.value, t2.value, t1.projectId];
  });
  after(() => lab.close());

  it('answers the caller; caches by token until expiry, at most maxEntries, oldest out first', async () => {
    let clock = Date.now();
    const v = keystoneTokens(identity, { maxEntries: 1, now: () => clock });
    const c = await v.validate(demo);
    assert.deepEqual([c.projectId, c.admin, c.roles.includes('member')], [demoProject, false, true]);
    await v.validate(demo);
    assert.equal(v.calls, 1, 'a hit makes no Keystone call');
    await Promise.all([v.validate(demo2), v.validate(demo2)]);
    assert.equal(v.calls, 2, 'concurrent validations of one new token make one call');
    assert.equal(v.size, 1, 'bounded');
    await v.validate(demo);
    assert.equal(v.calls, 3, 'the oldest entry was evicted');
    clock += 48 * 3600_000;
    await v.validate(demo);
    assert.equal(v.calls, 4, 'past the expiry the token is validated again');
  });

  it('an invalid token is 401 and not cached', async () => {
    const v = keystoneTokens(identity);
    for (let i = 0; i < 2; i++)
      await assert.rejects(
        v.validate('gAAAAA-invalid'),
        (e: { code?: string }) => e.code === 'OSNET_ERR_HTTP_UNAUTHENTICATED',
      );
    assert.deepEqual([v.calls, v.size], [2, 0]);
  });
});
