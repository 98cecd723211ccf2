import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as projects from '../projects/index.ts';
import * as roles from '../roles/index.ts';
import * as users from '../users/index.ts';
import * as roleassignments from './index.ts';

describe('identity v3 role assignments (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let id: ServiceClient;
  let projectId: string;
  let userId: string;
  let roleId: string;
  let roleName: string;

  before(async () => {
    [[, demo], [id]] = await lab.open();
    const name = testName('ks');
    projectId = (await projects.create(id, { name, domain_id: 'default' })).id;
    userId = (await users.create(id, { name, domain_id: 'default' })).id;
    roleName = name;
    roleId = (await roles.create(id, { name })).id;
  });
  after(async () => {
    if (id) {
      await users.remove(id, userId).catch(() => undefined);
      await projects.remove(id, projectId).catch(() => undefined);
      await roles.remove(id, roleId).catch(() => undefined);
    }
    await lab.close();
  });

  it('grants, checks, lists with filters and revokes a role on a project', async () => {
    const g = { roleId, userId, projectId };
    assert.equal(await roleassignments.check(id, g), false);
    await roleassignments.grant(id, g);
    await roleassignments.grant(id, g); // PUT: a second grant is harmless
    assert.equal(await roleassignments.check(id, g), true);

    const byUser = await collect(roleassignments.list(id, { userId }));
    assert.equal(byUser.length, 1);
    assert.equal(byUser[0]?.role.id, roleId);
    assert.equal(byUser[0]?.scope.project?.id, projectId);
    assert.equal(byUser[0]?.role.name, undefined, 'no names unless asked');

    const named = await collect(roleassignments.list(id, { projectId, roleId, includeNames: true }));
    assert.equal(named.length, 1);
    assert.equal(named[0]?.role.name, roleName);
    assert.equal(named[0]?.user?.name, roleName);

    const otherRole = await collect(roleassignments.list(id, { projectId, roleId: 'no-such-role' }));
    assert.equal(otherRole.length, 0);

    const effective = await collect(roleassignments.list(id, { userId, effective: true }));
    assert.deepEqual(
      effective.map((a) => a.role.id),
      [roleId],
    );

    await roleassignments.revoke(id, g);
    assert.equal(await roleassignments.check(id, g), false);
    await assert.rejects(roleassignments.revoke(id, g), NotFoundError);
    assert.equal((await collect(roleassignments.list(id, { userId }))).length, 0);
  });

  it('refuses a grant naming both or neither of project and domain', () => {
    for (const bad of [
      { roleId, userId, projectId, domainId: 'default' },
      { roleId, userId },
    ]) {
      assert.throws(
        () => roleassignments.grantUrl(bad),
        (e: unknown) =>
          e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'grant.projectId',
      );
    }
    assert.equal(
      roleassignments.grantUrl({ roleId: 'r', groupId: 'g', domainId: 'd' }),
      'domains/d/groups/g/roles/r',
    );
  });

  it('isolation: demo cannot grant itself a role on demo2, nor list all assignments', async () => {
    const demoId = await demo.identity();
    const [d2] = await collect(projects.list(id, { name: 'demo2' }));
    const [member] = await collect(roles.list(id, { name: 'member' }));
    assert.ok(d2 && member);
    const self = (await demo.token()).userId;
    const g = { roleId: member.id, userId: self, projectId: d2.id };
    await assert.rejects(roleassignments.grant(demoId, g), ForbiddenError);
    await assert.rejects(collect(roleassignments.list(demoId, {})), ForbiddenError);
    assert.equal(await roleassignments.check(id, g), false);
  });
});
