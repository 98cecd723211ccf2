/**
 * Seeds the lab's compute extension with the project's own client (idempotent); run by scripts/lab/compute-up.
 * - `keystone` (before the daemons start): users nova, placement, glance, cinder (admin + service on project
 *   service) and the catalog: compute, placement, image, volumev3 and block-storage, three endpoints each.
 * - `resources` (once the APIs answer): flavors m1.tiny/m1.small/m1.medium, the public image lab-fake (64 KiB
 *   raw, uploaded to Glance), the volume type lab-nfs (backend nfs1, Cinder's default type).
 * - `purge` (compute-down --purge): removes those users and services again.
 * Usage: OSNET_LAB_DIR=/var/lib/osnet-lab node scripts/lab/compute-seed.ts keystone|resources|purge
 */
import { randomBytes } from 'node:crypto';
import { toOsnetError } from '../../src/lib/errors.ts';
import { registerSecret } from '../../src/lib/redact.ts';
import * as volumetypes from '../../src/openstack/blockstorage/v3/volume-types/index.ts';
import { type Cloud, openCloud } from '../../src/openstack/client/cloud.ts';
import { collect } from '../../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../../src/openstack/client/service-client.ts';
import { waitForStatus } from '../../src/openstack/client/wait-for.ts';
import * as flavors from '../../src/openstack/compute/v2/flavors/index.ts';
import {
  endpoints,
  projects,
  roleassignments,
  roles,
  services,
  users,
} from '../../src/openstack/identity/v3/index.ts';
import * as images from '../../src/openstack/image/v2/images/index.ts';
import {
  COMPUTE_CATALOG,
  LAB_FLAVORS,
  LAB_IMAGE,
  LAB_VOLUME_TYPE,
} from '../../src/testing/openstack/compute-lab.ts';

const PW = process.env.OSNET_LAB_PASSWORD ?? 'labpass';
const AUTH_URL = 'http://127.0.0.1:5000/v3';
const REGION = 'RegionOne';
registerSecret(PW);

async function adminCloud(): Promise<Cloud> {
  return openCloud({
    config: {
      name: 'lab-admin',
      source: 'scripts/lab/compute-seed.ts',
      authType: 'password',
      auth: {
        auth_url: AUTH_URL,
        username: 'admin',
        password: PW,
        project_name: 'admin',
        user_domain_name: 'Default',
        project_domain_name: 'Default',
      },
      regionName: REGION,
      interface: 'public',
      verify: true,
      cacert: undefined,
      timeoutMs: 60_000,
      endpointOverrides: {},
    },
  });
}

async function one<T>(it: AsyncGenerator<T, void, undefined>): Promise<T | undefined> {
  const [first] = await collect(it);
  return first;
}

async function seedKeystone(id: ServiceClient): Promise<void> {
  const service = await one(projects.list(id, { name: 'service', domain_id: 'default' }));
  if (!service) throw new Error('project service is missing: scripts/lab/up seeds it first');
  const [rAdmin, rService] = await Promise.all(
    ['admin', 'service'].map(async (name) => {
      const r = await one(roles.list(id, { name }));
      if (!r) throw new Error(`role ${name} is missing`);
      return r;
    }),
  );
  await Promise.all(
    ['nova', 'placement', 'glance', 'cinder'].map(async (name) => {
      const u =
        (await one(users.list(id, { name, domain_id: 'default' }))) ??
        (await users.create(id, {
          name,
          domain_id: 'default',
          password: PW,
          default_project_id: service.id,
        }));
      await Promise.all(
        [rAdmin!, rService!].map((r) =>
          roleassignments.grant(id, { roleId: r.id, userId: u.id, projectId: service.id }),
        ),
      );
    }),
  );
  await Promise.all(
    COMPUTE_CATALOG.map(async (entry) => {
      const svc =
        (await one(services.list(id, { type: entry.type }))) ??
        (await services.create(id, { type: entry.type, name: entry.name, description: `lab ${entry.name}` }));
      const eps = await collect(endpoints.list(id, { service_id: svc.id }));
      await Promise.all(
        (['public', 'internal', 'admin'] as const)
          .filter((i) => !eps.some((e) => e.interface === i))
          .map((i) =>
            endpoints.create(id, { service_id: svc.id, interface: i, url: entry.url, region_id: REGION }),
          ),
      );
    }),
  );
}

async function seedResources(cloud: Cloud): Promise<string[]> {
  const [nova, glance, cinder] = await Promise.all([
    cloud.service('compute'),
    cloud.service('image'),
    cloud.service('block-storage'),
  ]);
  const have = await collect(flavors.list(nova, { is_public: 'None' }));
  for (const f of LAB_FLAVORS) {
    if (!have.some((h) => h.name === f.name)) await flavors.create(nova, { ...f });
  }
  let img = await one(images.list(glance, { name: LAB_IMAGE }));
  if (img && img.status !== 'active') {
    // a half-made image of an interrupted run: start again
    await images.remove(glance, img.id);
    img = undefined;
  }
  if (!img) {
    const made = await images.create(glance, {
      name: LAB_IMAGE,
      disk_format: 'raw',
      container_format: 'bare',
      visibility: 'public',
    });
    await images.upload(glance, made.id, randomBytes(64 * 1024));
    img = await waitForStatus(() => images.get(glance, made.id), 'active', {
      what: `image ${LAB_IMAGE}`,
      timeoutMs: 60_000,
    });
  }
  const types = await collect(volumetypes.list(cinder, { is_public: 'None' }));
  if (!types.some((t) => t.name === LAB_VOLUME_TYPE)) {
    await volumetypes.create(cinder, {
      name: LAB_VOLUME_TYPE,
      description: 'lab: the NFS driver on a bind mount',
      extra_specs: { volume_backend_name: 'nfs1' },
    });
  }
  return [
    ...LAB_FLAVORS.map((f) => f.name),
    `image ${LAB_IMAGE} (${img.id})`,
    `volume type ${LAB_VOLUME_TYPE}`,
  ];
}

/** compute-down --purge: the compute services (Keystone deletes their endpoints with them) and users. */
async function purgeKeystone(id: ServiceClient): Promise<void> {
  await Promise.all([
    ...COMPUTE_CATALOG.map(async (entry) => {
      for (const svc of await collect(services.list(id, { type: entry.type })))
        await services.remove(id, svc.id);
    }),
    ...['nova', 'placement', 'glance', 'cinder'].map(async (name) => {
      for (const u of await collect(users.list(id, { name, domain_id: 'default' })))
        await users.remove(id, u.id);
    }),
  ]);
}

async function main(phase: string | undefined): Promise<void> {
  const t0 = performance.now();
  const cloud = await adminCloud();
  try {
    let done: string;
    if (phase === 'keystone') {
      await seedKeystone(await cloud.identity());
      done = `users nova, placement, glance, cinder; services ${COMPUTE_CATALOG.map((c) => c.type).join(', ')}`;
    } else if (phase === 'resources') {
      done = (await seedResources(cloud)).join(', ');
    } else if (phase === 'purge') {
      await purgeKeystone(await cloud.identity());
      done = 'compute services and users removed';
    } else {
      throw new Error('usage: compute-seed.ts keystone|resources|purge');
    }
    console.log(`compute seed (${phase}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${done}`);
  } finally {
    await cloud.close();
  }
}

try {
  await main(process.argv[2]);
} catch (e) {
  const err = toOsnetError(e);
  console.error(`compute seed failed: ${err.code}: ${err.message}`);
  process.exit(1);
}
