/**
 * issue 11's benchmark, resource lists part: `rows` ports (spread over 10 tenants of one organisation, plus
 * one small tenant of another organisation with 100) seeded straight into `portal_resources` in batches,
 * then `GET /api/openstack-ports/` as staff (page 1, a deep page, one tenant's, filtered by name as
 * `name` (contains) and `name_exact`) and as the owner of the small organisation, over loopback HTTP.
 */
import { randomBytes } from 'node:crypto';
import { realWiring } from '../src/portal/jobs/wiring.ts';
import { newUuid } from '../src/portal/store/index.ts';
import type { ResourceRow } from '../src/portal/store/schema.ts';
import { testPortal } from '../src/testing/portal/client.ts';
import { freshStore, type StoreKind } from '../src/testing/store/stores.ts';
import { linkOf, measure, settle } from './portal-measure.ts';

const TENANTS = 10;
const SMALL = 100;

function portRow(
  i: number,
  at: number,
  o: Pick<ResourceRow, 'tenant_uuid' | 'project_uuid' | 'customer_uuid' | 'provider_uuid'>,
): ResourceRow {
  const created = new Date(at + i * 1000).toISOString();
  const hex = i.toString(16).padStart(6, '0');
  return {
    uuid: newUuid(),
    kind: 'ports',
    ...o,
    offering_uuid: null,
    parent_uuid: null,
    name: `bench-port-${String(i).padStart(6, '0')}`,
    description: '',
    state: 'OK',
    runtime_state: 'DOWN',
    backend_id: randomBytes(16).toString('hex'),
    error_message: '',
    action: '',
    fields: JSON.stringify({
      network_backend_id: '00000000-0000-0000-0000-000000000000',
      fixed_ips: [
        {
          subnet_id: '00000000-0000-0000-0000-000000000001',
          ip_address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
        },
      ],
      mac_address: `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
      allowed_address_pairs: [],
      security_groups: [],
      device_id: '',
      device_owner: '',
      port_security_enabled: true,
      admin_state_up: true,
    }),
    secrets: null,
    backend_missing_since: null,
    created,
    modified: created,
  };
}

export async function benchKindLists(kind: StoreKind, o: { rows: number; requests: number }): Promise<void> {
  const loc = await freshStore(kind);
  let wiring: ReturnType<typeof realWiring> | undefined;
  const p = await testPortal(loc.url, {
    engine: (store, secrets) => {
      wiring = realWiring(store, secrets, { options: { schedules: false } });
      return wiring;
    },
  });
  try {
    const staff = await p.login('admin', p.adminPassword);
    const api = async (path: string, body: unknown) => {
      const r = await p.api('POST', path, { token: staff, body });
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return String(r.body.uuid);
    };
    const big = await api('/api/customers/', { name: 'org big' });
    const bigProject = await api('/api/projects/', { name: 'p big', customer: big });
    const small = await api('/api/customers/', { name: 'org small' });
    const smallProject = await api('/api/projects/', { name: 'p small', customer: small });
    const provider = newUuid();
    const at = Date.UTC(2026, 0, 1);
    const tenant = (i: number, project: string, customer: string): ResourceRow => ({
      ...portRow(i, at, {
        tenant_uuid: null,
        project_uuid: project,
        customer_uuid: customer,
        provider_uuid: provider,
      }),
      kind: 'tenants',
      name: `bench-tenant-${i}`,
      fields: '{}',
    });
    const tenants = Array.from({ length: TENANTS }, (_, i) => tenant(i, bigProject, big));
    const smallTenant = tenant(TENANTS, smallProject, small);
    const db = p.store.db;
    await db
      .insertInto('portal_resources')
      .values([...tenants, smallTenant])
      .execute();
    const t0 = performance.now();
    const batch = 500;
    for (let i = 0; i < o.rows; i += batch) {
      const rows = Array.from({ length: Math.min(batch, o.rows - i) }, (_, j) => {
        const n = i + j;
        const inSmall = n % Math.max(1, Math.floor(o.rows / SMALL)) === 0;
        const t = inSmall ? smallTenant : tenants[n % TENANTS]!;
        return portRow(n, at, {
          tenant_uuid: t.uuid,
          project_uuid: t.project_uuid,
          customer_uuid: t.customer_uuid,
          provider_uuid: provider,
        });
      });
      await db.insertInto('portal_resources').values(rows).execute();
    }
    console.log(`lists ${kind}: seeded ${o.rows} ports in ${Math.round(performance.now() - t0)} ms`);
    await settle(p);

    const password = randomBytes(18).toString('base64url');
    const u = (await p.api('POST', '/api/users/', { token: staff, body: { username: 'owner', password } }))
      .body;
    await p.api('POST', `/api/customers/${small}/add_user/`, {
      token: staff,
      body: { user: u.uuid, role: 'CUSTOMER.OWNER' },
    });
    const owner = await p.login('owner', password);
    const deep = Math.max(1, Math.floor(o.rows / 10 / 2));
    const probe = `bench-port-${String(Math.floor(o.rows / 3)).padStart(6, '0')}`;
    const cases: [string, string, string][] = [
      ['ports page 1 (staff)', '/api/openstack-ports/', staff],
      [`ports page ${deep} (staff)`, `/api/openstack-ports/?page=${deep}`, staff],
      [
        `ports page ${deep} by Link next (staff)`,
        await linkOf(p, `/api/openstack-ports/?page=${Math.max(1, deep - 1)}`, staff, 'next'),
        staff,
      ],
      ['ports of one tenant (staff)', `/api/openstack-ports/?tenant_uuid=${tenants[3]!.uuid}`, staff],
      ['ports name contains (staff)', `/api/openstack-ports/?name=${probe}`, staff],
      ['ports name_exact (staff)', `/api/openstack-ports/?name_exact=${probe}`, staff],
      ['ports (owner of the small organisation)', '/api/openstack-ports/', owner],
    ];
    for (const [name, path, token] of cases) {
      const f = await measure(p, path, token, o.requests);
      console.log(
        `lists ${kind}: ${name}: ${f.rps} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.count} rows`,
      );
    }
  } finally {
    await p.close();
    await wiring?.close();
    await loc.remove();
  }
}
