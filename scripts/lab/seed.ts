/**
 * Seeds the lab's Keystone with the project's own client (idempotent), after `keystone-manage bootstrap`:
 * project `service` + user `neutron` (admin, service), projects `demo`/`demo2` with member users of the same
 * name (member, reader), the `network` service with its three endpoints, and the application credential
 * `lab-appcred` of `demo`; project `cni` with user `cni` (member, reader and the port-binder role of
 * src/daemon/policy.ts, whose Neutron override it writes into $OSNET_LAB_NEUTRON_POLICY_DIR, default
 * /etc/neutron/policy.d: the CNI daemon binds ports without admin). Writes
 * $OSNET_LAB_DIR/{clouds.yaml, secure.yaml, openrc}, mode 0600.
 * Run by scripts/lab/up:  OSNET_LAB_DIR=/var/lib/osnet-lab node scripts/lab/seed.ts
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { BINDER_ROLE, neutronPolicyOverride, POLICY_FILE } from '../../src/daemon/policy.ts';
import { writeAtomic } from '../../src/host/files.ts';
import { toOsnetError } from '../../src/lib/errors.ts';
import { registerSecret } from '../../src/lib/redact.ts';
import { openCloud } from '../../src/openstack/client/cloud.ts';
import { NotFoundError, UnauthorizedError } from '../../src/openstack/client/errors.ts';
import { collect } from '../../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../../src/openstack/client/service-client.ts';
import type { CloudConfig } from '../../src/openstack/config/types.ts';
import {
  applicationcredentials,
  endpoints,
  projects,
  roleassignments,
  roles,
  services,
  users,
} from '../../src/openstack/identity/v3/index.ts';

const LAB = process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab';
const PW = process.env.OSNET_LAB_PASSWORD ?? 'labpass';
const AUTH_URL = 'http://127.0.0.1:5000/v3';
const NEUTRON_URL = 'http://127.0.0.1:9696';
const REGION = 'RegionOne';
const APPCRED = 'lab-appcred';
const POLICY_DIR = process.env.OSNET_LAB_NEUTRON_POLICY_DIR ?? '/etc/neutron/policy.d';
registerSecret(PW);

/** The password auth block of a lab user on a lab project, the same in CloudConfig and clouds.yaml. */
function passwordAuth(user: string, project: string) {
  return {
    auth_url: AUTH_URL,
    username: user,
    password: PW,
    project_name: project,
    user_domain_name: 'Default',
    project_domain_name: 'Default',
  };
}

function passwordConfig(name: string, user: string, project: string): CloudConfig {
  return {
    name,
    source: 'scripts/lab/seed.ts',
    authType: 'password',
    auth: passwordAuth(user, project),
    regionName: REGION,
    interface: 'public',
    verify: true,
    cacert: undefined,
    timeoutMs: 30_000,
    endpointOverrides: {},
  };
}

async function ensureProject(id: ServiceClient, name: string, description: string) {
  const [have] = await collect(projects.list(id, { name, domain_id: 'default' }));
  return have ?? (await projects.create(id, { name, domain_id: 'default', description }));
}

async function ensureRole(id: ServiceClient, name: string) {
  const [have] = await collect(roles.list(id, { name }));
  return have ?? (await roles.create(id, { name }));
}

async function ensureUser(id: ServiceClient, name: string, projectId: string) {
  const [have] = await collect(users.list(id, { name, domain_id: 'default' }));
  return (
    have ??
    (await users.create(id, { name, domain_id: 'default', password: PW, default_project_id: projectId }))
  );
}

async function ensureNetworkService(id: ServiceClient): Promise<void> {
  const [have] = await collect(services.list(id, { type: 'network' }));
  const svc =
    have ?? (await services.create(id, { type: 'network', name: 'neutron', description: 'lab Neutron' }));
  const eps = await collect(endpoints.list(id, { service_id: svc.id }));
  await Promise.all(
    (['public', 'internal', 'admin'] as const)
      .filter((i) => !eps.some((e) => e.interface === i))
      .map((i) =>
        endpoints.create(id, { service_id: svc.id, interface: i, url: NEUTRON_URL, region_id: REGION }),
      ),
  );
}

interface StoredCred {
  id: string;
  secret: string;
}

async function readStoredCred(): Promise<StoredCred | undefined> {
  try {
    const doc = parseYaml(await readFile(join(LAB, 'secure.yaml'), 'utf8')) as {
      clouds?: Record<
        string,
        { auth?: { application_credential_id?: string; application_credential_secret?: string } }
      >;
    };
    const a = doc?.clouds?.[APPCRED]?.auth;
    return a?.application_credential_id && a.application_credential_secret
      ? { id: a.application_credential_id, secret: a.application_credential_secret }
      : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function appcredConfig(c: StoredCred): CloudConfig {
  return {
    ...passwordConfig(APPCRED, 'demo', 'demo'),
    authType: 'v3applicationcredential',
    auth: { auth_url: AUTH_URL, application_credential_id: c.id, application_credential_secret: c.secret },
  };
}

/** Whether a set of settings gets a token. */
async function authWorks(cfg: CloudConfig): Promise<boolean> {
  const cloud = await openCloud({ config: cfg });
  try {
    await cloud.token();
    return true;
  } catch (e) {
    // a deleted application credential gets 404 from Keystone, a wrong secret 401
    if (e instanceof UnauthorizedError || e instanceof NotFoundError) return false;
    throw e;
  } finally {
    await cloud.close();
  }
}

/** demo's application credential: reuse the stored one while it still authenticates, else make a new one. */
async function ensureAppCred(): Promise<StoredCred> {
  const stored = await readStoredCred();
  registerSecret(stored?.secret);
  if (stored && (await authWorks(appcredConfig(stored)))) return stored;
  // only the owner may create one, with a token scoped to its project
  const demo = await openCloud({ config: passwordConfig('lab-demo', 'demo', 'demo') });
  try {
    const id = await demo.identity();
    const { userId } = await demo.token();
    for (const old of await collect(applicationcredentials.list(id, userId, { name: APPCRED }))) {
      await applicationcredentials.remove(id, userId, old.id);
    }
    const made = await applicationcredentials.create(id, userId, {
      name: APPCRED,
      description: 'osnet lab: tests authenticate with it (secret in secure.yaml)',
      secret: randomBytes(24).toString('base64url'),
    });
    registerSecret(made.secret);
    return { id: made.id, secret: made.secret };
  } finally {
    await demo.close();
  }
}

/** Writes a file readable by root only, atomically (a reader never sees half a file). */
async function writePrivate(name: string, text: string): Promise<void> {
  const path = join(LAB, name);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

function cloudEntry(user: string, project: string) {
  return {
    auth: passwordAuth(user, project),
    region_name: REGION,
    interface: 'public',
    identity_api_version: 3,
  };
}

async function writeFiles(cred: StoredCred): Promise<void> {
  const header =
    '# osnet lab (scripts/lab/seed.ts). The passwords (OSNET_LAB_PASSWORD) and the application\n' +
    '# credential secret below are lab-only values for this loopback lab; never reuse them.\n';
  const credAuth = { application_credential_id: cred.id, application_credential_secret: cred.secret };
  await writePrivate('secure.yaml', header + stringify({ clouds: { [APPCRED]: { auth: credAuth } } }));
  const clouds = {
    clouds: {
      'lab-admin': cloudEntry('admin', 'admin'),
      'lab-demo': cloudEntry('demo', 'demo'),
      'lab-demo2': cloudEntry('demo2', 'demo2'),
      'lab-cni': cloudEntry('cni', 'cni'),
      [APPCRED]: {
        auth_type: 'v3applicationcredential',
        auth: { auth_url: AUTH_URL, ...credAuth },
        region_name: REGION,
        interface: 'public',
        identity_api_version: 3,
      },
    },
  };
  await writePrivate('clouds.yaml', header + stringify(clouds));
  const openrc = [
    '# osnet lab admin credentials (lab-only password). Usage: . openrc',
    `export OS_AUTH_URL=${AUTH_URL}`,
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_USERNAME=admin',
    `export OS_PASSWORD='${PW.replaceAll("'", "'\\''")}'`,
    'export OS_PROJECT_NAME=admin',
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    `export OS_REGION_NAME=${REGION}`,
    'export OS_INTERFACE=public',
    '',
  ].join('\n');
  await writePrivate('openrc', openrc);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const admin = await openCloud({ config: passwordConfig('lab-admin', 'admin', 'admin') });
  try {
    const id = await admin.identity();
    const [service, demo, demo2, cni, rAdmin, rService, rMember, rReader, rBinder] = await Promise.all([
      ensureProject(id, 'service', 'lab service users'),
      ensureProject(id, 'demo', 'lab tenant 1'),
      ensureProject(id, 'demo2', 'lab tenant 2'),
      ensureProject(id, 'cni', 'lab pods: the CNI daemon binds ports here without admin'),
      ensureRole(id, 'admin'),
      ensureRole(id, 'service'),
      ensureRole(id, 'member'),
      ensureRole(id, 'reader'),
      ensureRole(id, BINDER_ROLE),
    ]);
    const [neutron, uDemo, uDemo2, uCni] = await Promise.all([
      ensureUser(id, 'neutron', service.id),
      ensureUser(id, 'demo', demo.id),
      ensureUser(id, 'demo2', demo2.id),
      ensureUser(id, 'cni', cni.id),
    ]);
    const grants = [
      { roleId: rAdmin.id, userId: neutron.id, projectId: service.id },
      { roleId: rService.id, userId: neutron.id, projectId: service.id },
      { roleId: rMember.id, userId: uDemo.id, projectId: demo.id },
      { roleId: rReader.id, userId: uDemo.id, projectId: demo.id },
      { roleId: rMember.id, userId: uDemo2.id, projectId: demo2.id },
      { roleId: rReader.id, userId: uDemo2.id, projectId: demo2.id },
      { roleId: rMember.id, userId: uCni.id, projectId: cni.id },
      { roleId: rReader.id, userId: uCni.id, projectId: cni.id },
      { roleId: rBinder.id, userId: uCni.id, projectId: cni.id },
    ];
    await Promise.all([...grants.map((g) => roleassignments.grant(id, g)), ensureNetworkService(id)]);
  } finally {
    await admin.close();
  }
  // oslo.policy rereads policy_dirs when a file in them changes: no neutron-server restart
  await writeAtomic(join(POLICY_DIR, POLICY_FILE), neutronPolicyOverride(), 0o644);
  const cred = await ensureAppCred();
  await writeFiles(cred);
  console.log(
    `keystone seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: projects service, demo, demo2, cni; users neutron, demo, demo2, cni (${BINDER_ROLE}); ` +
      `network endpoints; application credential ${APPCRED} (${cred.id}); ${join(POLICY_DIR, POLICY_FILE)}; ${join(LAB, 'clouds.yaml')}`,
  );
}

try {
  await main();
} catch (e) {
  const err = toOsnetError(e);
  console.error(`seed failed: ${err.code}: ${err.message}`);
  process.exit(1);
}
