import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { type Cloud, openCloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as projects from '../projects/index.ts';
import * as roleassignments from '../roleassignments/index.ts';
import * as roles from '../roles/index.ts';
import * as users from './index.ts';

describe('identity v3 users (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let admin: Cloud;
  let demo: Cloud;
  let id: ServiceClient;
  const madeUsers: string[] = [];
  const madeProjects: string[] = [];

  before(async () => {
    [[admin, demo], [id]] = await lab.open();
  });
  after(async () => {
    for (const u of madeUsers) await users.remove(id, u).catch(() => undefined);
    for (const p of madeProjects) await projects.remove(id, p).catch(() => undefined);
    await lab.close();
  });

  /** A Cloud logging in as `name` with `password` on `project`. */
  function login(name: string, password: string, project: string): Promise<Cloud> {
    return openCloud({
      config: {
        ...admin.config,
        name: undefined,
        auth: {
          auth_url: admin.config.auth.auth_url,
          username: name,
          password,
          user_domain_id: 'default',
          project_name: project,
          project_domain_id: 'default',
        },
      },
    });
  }

  it('creates, gets, lists, updates (password too) and deletes a user (404 after)', async () => {
    const name = testName('ks');
    const p = await projects.create(id, { name, domain_id: 'default' });
    madeProjects.push(p.id);
    const u = await users.create(id, {
      name,
      domain_id: 'default',
      password: 'first-pass-1',
      default_project_id: p.id,
      description: 'tester',
    });
    madeUsers.push(u.id);
    assert.equal(u.name, name);
    assert.equal(u.enabled, true);
    assert.equal(u.default_project_id, p.id);
    assert.equal((u as unknown as Record<string, unknown>).password, undefined, 'Keystone never returns it');

    assert.equal((await users.get(id, u.id)).description, 'tester');
    const found = await collect(users.list(id, { name, domain_id: 'default' }));
    assert.deepEqual(
      found.map((x) => x.id),
      [u.id],
    );
    assert.equal((await collect(users.list(id, { name: `${name}-none` }))).length, 0);

    const [member] = await collect(roles.list(id, { name: 'member' }));
    assert.ok(member);
    await roleassignments.grant(id, { roleId: member.id, userId: u.id, projectId: p.id });
    assert.deepEqual(
      (await collect(users.listProjects(id, u.id))).map((x) => x.id),
      [p.id],
    );

    await users.update(id, u.id, { password: 'second-pass-2' });
    const fresh = await login(name, 'second-pass-2', name);
    try {
      const t = await fresh.token();
      assert.equal(t.userId, u.id);
      // Keystone's bootstrap makes member imply reader: the token carries both
      assert.deepEqual([...t.roles].sort(), ['member', 'reader']);
    } finally {
      await fresh.close();
    }
    const stale = await login(name, 'first-pass-1', name);
    try {
      await assert.rejects(stale.token(), UnauthorizedError);
    } finally {
      await stale.close();
    }

    const off = await users.update(id, u.id, { enabled: false });
    assert.equal(off.enabled, false);

    await users.remove(id, u.id);
    await assert.rejects(users.get(id, u.id), NotFoundError);
  });

  it('refuses a user without a name, naming the field', async () => {
    await assert.rejects(
      users.create(id, { name: '   ' }),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'user.name',
    );
  });

  it('isolation: demo sees itself but not demo2, and cannot change demo2', async () => {
    const demoId = await demo.identity();
    const [d2] = await collect(users.list(id, { name: 'demo2', domain_id: 'default' }));
    assert.ok(d2);
    const self = (await demo.token()).userId;
    assert.equal((await users.get(demoId, self)).name, 'demo');
    await assert.rejects(users.get(demoId, d2.id), ForbiddenError);
    await assert.rejects(users.update(demoId, d2.id, { enabled: false }), ForbiddenError);
    await assert.rejects(collect(users.list(demoId)), ForbiddenError);
    assert.equal((await users.get(id, d2.id)).enabled, true);
  });
});
