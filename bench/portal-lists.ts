/**
 * osnet-portal list endpoints at 100,000 rows (issue 11's benchmark, lists part): 100,000 organisations and
 * 100,000 audit events seeded straight into the store, then `GET /api/customers/` and `GET /api/events/`
 * (filtered and not) as staff and as an owner of one organisation, over real HTTP on loopback, first and
 * a deep page. Prints requests per second and p50/p99 per case, per store. Figures only, no thresholds.
 *
 * Run: `node bench/portal-lists.ts [--rows 100000] [--requests 200] [--only sqlite|postgres]` with the lab's
 * PostgreSQL up.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { newUuid } from '../src/portal/store/index.ts';
import { testPortal } from '../src/testing/portal/client.ts';
import { freshStore, STORE_KINDS, type StoreKind } from '../src/testing/store/stores.ts';
import { linkOf, measure, settle } from './portal-measure.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});
const rows = Number(values.rows);
const requests = Number(values.requests);

async function bench(kind: StoreKind): Promise<void> {
  const loc = await freshStore(kind);
  const p = await testPortal(loc.url);
  try {
    const t0 = performance.now();
    const at = Date.UTC(2026, 0, 1);
    const batch = 500;
    const customers: string[] = [];
    for (let i = 0; i < rows; i += batch) {
      const cs = Array.from({ length: Math.min(batch, rows - i) }, (_, j) => {
        const created = new Date(at + (i + j) * 1000).toISOString();
        return {
          uuid: newUuid(),
          name: `org ${String(i + j).padStart(6, '0')}`,
          abbreviation: '',
          email: '',
          created,
          modified: created,
        };
      });
      customers.push(...cs.map((c) => c.uuid));
      await p.store.db.insertInto('portal_customers').values(cs).execute();
      await p.store.db
        .insertInto('portal_events')
        .values(
          cs.map((c, j) => ({
            uuid: newUuid(),
            created: c.created,
            event_type: j % 2 ? 'customer_update_succeeded' : 'customer_creation_succeeded',
            message: 'seeded',
            user_uuid: null,
            username: 'bench',
            resource_type: 'customer',
            resource_uuid: c.uuid,
            customer_uuid: c.uuid,
            context: '{}',
          })),
        )
        .execute();
    }
    console.log(
      `${kind}: seeded ${rows} organisations + ${rows} events in ${Math.round(performance.now() - t0)} ms`,
    );
    await settle(p);
    const staff = await p.login('admin', p.adminPassword);
    const owner = await (async () => {
      // a throwaway user of a throwaway store: its password is made here, never written down
      const password = randomBytes(18).toString('base64url');
      const u = (
        await p.api('POST', '/api/users/', {
          token: staff,
          body: { username: 'owner', password },
        })
      ).body;
      await p.api('POST', `/api/customers/${customers[rows >> 1]}/add_user/`, {
        token: staff,
        body: { user: u.uuid, role: 'CUSTOMER.OWNER' },
      });
      return p.login('owner', password);
    })();
    const deep = Math.floor(rows / 10 / 2);
    const cases: [string, string, string][] = [
      ['customers page 1 (staff)', '/api/customers/', staff],
      [`customers page ${deep} (staff)`, `/api/customers/?page=${deep}`, staff],
      [
        `customers page ${deep} by Link next (staff)`,
        await linkOf(p, `/api/customers/?page=${Math.max(1, deep - 1)}`, staff, 'next'),
        staff,
      ],
      ['customers (owner of one)', '/api/customers/', owner],
      ['events page 1 (staff)', '/api/events/', staff],
      [`events page ${deep} (staff)`, `/api/events/?page=${deep}`, staff],
      [
        `events page ${deep} by Link next (staff)`,
        await linkOf(p, `/api/events/?page=${Math.max(1, deep - 1)}`, staff, 'next'),
        staff,
      ],
      ['events by resource (staff)', `/api/events/?resource_uuid=${customers[7]}`, staff],
      [
        'events time range, 100/page (staff)',
        `/api/events/?page_size=100&created_from=2026-01-01T01:00:00Z&created_to=2026-01-01T02:00:00Z`,
        staff,
      ],
      ['events (owner of one)', '/api/events/', owner],
    ];
    for (const [name, path, token] of cases) {
      const f = await measure(p, path, token, requests);
      console.log(`${kind}: ${name}: ${f.rps} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`);
    }
  } finally {
    await p.close();
    await loc.remove();
  }
}

for (const kind of STORE_KINDS) if (!values.only || values.only === kind) await bench(kind);
