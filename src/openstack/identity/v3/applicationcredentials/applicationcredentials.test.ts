import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { redactText } from '../../../../lib/redact.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { labCloud, testName } from '../../../../testing/openstack/lab.ts';
import { type Cloud, openCloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as applicationcredentials from './index.ts';

describe('identity v3 application credentials (lab)', () => {
  const lab = labFixture(['lab-demo', 'lab-demo2'], 'identity');
  let demo: Cloud;
  let demo2: Cloud;
  let id: ServiceClient;
  let userId: string;
  const made: string[] = [];

  before(async () => {
    [[demo, demo2], [id]] = await lab.open();
    userId = (await demo.token()).userId;
  });
  after(async () => {
    for (const c of made) await applicationcredentials.remove(id, userId, c).catch(() => undefined);
    await lab.close();
  });

  function withCred(credId: string, secret: string): Promise<Cloud> {
    return openCloud({
      config: {
        ...demo.config,
        name: undefined,
        authType: 'v3applicationcredential',
        auth: {
          auth_url: demo.config.auth.auth_url,
          application_credential_id: credId,
          application_credential_secret: secret,
        },
      },
    });
  }

  it('creates one (secret shown once), authenticates with it, gets, lists, deletes (404 after, also for auth)', async () => {
    const name = testName('ks');
    const c = await applicationcredentials.create(id, userId, {
      name,
      description: 'test',
      roles: [{ name: 'reader' }],
    });
    made.push(c.id);
    assert.equal(c.name, name);
    assert.ok(c.secret.length >= 16, 'Keystone generated a secret');
    assert.equal(c.project_id, (await demo.token()).projectId);
    assert.deepEqual(
      c.roles.map((r) => r.name),
      ['reader'],
    );
    assert.ok(!redactText(`leak ${c.secret}`).includes(c.secret), 'the secret is registered for redaction');

    const viaCred = await withCred(c.id, c.secret);
    try {
      const t = await viaCred.token();
      assert.equal(t.userId, userId);
      assert.deepEqual(t.roles, ['reader']);
    } finally {
      await viaCred.close();
    }

    const got = await applicationcredentials.get(id, userId, c.id);
    assert.equal(got.description, 'test');
    assert.equal(
      (got as unknown as Record<string, unknown>).secret,
      undefined,
      'only the create answer has it',
    );
    assert.deepEqual(
      (await collect(applicationcredentials.list(id, userId, { name }))).map((x) => x.id),
      [c.id],
    );
    assert.ok((await collect(applicationcredentials.list(id, userId))).some((x) => x.name === 'lab-appcred'));

    await applicationcredentials.remove(id, userId, c.id);
    await assert.rejects(applicationcredentials.get(id, userId, c.id), NotFoundError);
    const dead = await withCred(c.id, c.secret);
    try {
      // Keystone answers 404 "Could not find Application Credential", not 401
      await assert.rejects(dead.token(), NotFoundError);
    } finally {
      await dead.close();
    }
  });

  it('the lab-appcred cloud from clouds.yaml authenticates as demo', async () => {
    const cloud = await labCloud('lab-appcred');
    try {
      const t = await cloud.token();
      assert.equal(t.userId, userId);
      assert.equal(t.projectId, (await demo.token()).projectId);
    } finally {
      await cloud.close();
    }
  });

  it('refuses a credential without a name, naming the field', async () => {
    await assert.rejects(
      applicationcredentials.create(id, userId, { name: '' }),
      (e: unknown) =>
        e instanceof OsnetError &&
        e.code === 'OSNET_ERR_VALIDATION' &&
        e.field === 'application_credential.name',
    );
  });

  it("isolation: demo2 can neither list, read, delete nor create demo's credentials", async () => {
    const id2 = await demo2.identity();
    const [lab] = await collect(applicationcredentials.list(id, userId, { name: 'lab-appcred' }));
    assert.ok(lab);
    await assert.rejects(collect(applicationcredentials.list(id2, userId)), ForbiddenError);
    await assert.rejects(applicationcredentials.get(id2, userId, lab.id), ForbiddenError);
    await assert.rejects(applicationcredentials.remove(id2, userId, lab.id), ForbiddenError);
    await assert.rejects(
      applicationcredentials.create(id2, userId, { name: testName('ks') }),
      ForbiddenError,
    );
    assert.equal((await applicationcredentials.get(id, userId, lab.id)).id, lab.id);
  });
});
