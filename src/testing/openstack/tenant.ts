/**
 * A scratch tenant for the compute lab tests (tests only): a fresh Keystone project the lab admin is a member
 * of, and a Cloud scoped to it, as the portal makes tenants. Quotas set on it never touch the lab's shared
 * projects; `close` deletes whatever was deferred, then the project's security groups, then the project.
 *
 * @example
 *   const t = await scratchTenant('quota');
 *   const nova = await t.cloud.service('compute');
 *   await t.close();
 */
import { type Cloud, openCloud } from '../../openstack/client/cloud.ts';
import { collect } from '../../openstack/client/pagination.ts';
import { projects, roleassignments, roles } from '../../openstack/identity/v3/index.ts';
import * as securitygroups from '../../openstack/networking/v2/security-groups/index.ts';
import { Cleanup } from './cleanup.ts';
import { labCloud, testName } from './lab.ts';

export interface ScratchTenant {
  readonly projectId: string;
  readonly name: string;
  /** The lab admin, scoped to the lab's admin project (sets quotas). */
  readonly admin: Cloud;
  /** The lab admin as a member of the scratch project (creates its resources). */
  readonly cloud: Cloud;
  readonly cleanup: Cleanup;
  close(): Promise<void>;
}

/** Makes the project, grants the admin user `member` on it and opens a Cloud scoped to it. */
export async function scratchTenant(tag: string): Promise<ScratchTenant> {
  const admin = await labCloud('lab-admin');
  const cleanup = new Cleanup();
  cleanup.defer(() => admin.close());
  try {
    const id = await admin.identity();
    const name = testName(tag);
    const project = await projects.create(id, {
      name,
      domain_id: 'default',
      description: 'osnet test tenant',
    });
    cleanup.defer(() => projects.remove(id, project.id));
    // Neutron makes a project's "default" security group on its first call there, and keeps it after the
    // project is gone: delete every group of the project first
    cleanup.defer(async () => {
      const net = await admin.network();
      for (const g of await collect(securitygroups.list(net, { project_id: project.id }))) {
        await securitygroups.removeIfExists(net, g.id);
      }
    });
    const [member] = await collect(roles.list(id, { name: 'member' }));
    const { userId } = await admin.token();
    await roleassignments.grant(id, { roleId: member!.id, userId, projectId: project.id });
    const base = admin.config;
    const cloud = await openCloud({
      config: {
        ...base,
        name: `${base.name}-${name}`,
        auth: { ...base.auth, project_name: name, project_domain_name: 'Default', project_id: undefined },
      },
    });
    cleanup.defer(() => cloud.close());
    await cloud.token();
    return { projectId: project.id, name, admin, cloud, cleanup, close: () => cleanup.run() };
  } catch (e) {
    await cleanup.run().catch(() => undefined);
    throw e;
  }
}
