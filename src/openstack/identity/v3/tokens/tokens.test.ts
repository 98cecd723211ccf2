import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { NotFoundError } from '../../../client/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as tokens from './index.ts';

describe('identity v3 token validation (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let identity: ServiceClient;

  before(async () => {
    [[, demo], [identity]] = await lab.open();
  });
  after(() => lab.close());

  it("validates another user's token: user, project, roles and expiry as Keystone has them", async () => {
    const t = await demo.token();
    const info = await tokens.validate(identity, t.value);
    assert.equal(info.user.id, t.userId);
    assert.equal(info.project?.id, t.projectId);
    assert.deepEqual(info.roles.map((r) => r.name).sort(), [...t.roles].sort());
    assert.equal(new Date(info.expires_at).getTime(), t.expiresAt.getTime());
    assert.ok(Math.abs(info.answeredAt - Date.now()) < 5 * 60_000, 'the Date header is read');
  });

  it('an invalid token is a NotFoundError; a blank one is refused before any request', async () => {
    await assert.rejects(tokens.validate(identity, 'gAAAAAnot-a-real-token'), NotFoundError);
    await assert.rejects(
      tokens.validate(identity, ' '),
      (e: { field?: string }) => e.field === 'subjectToken',
    );
  });
});
