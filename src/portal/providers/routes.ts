/**
 * `/api/marketplace-provider-offerings/` (Waldur's route): an organisation registers an OpenStack cloud as
 * an `OpenStack.Tenant` offering with the seed's settings. Staff and the organisation's owners create,
 * change and delete; lists and lookups are scoped (providers/access.ts). `secret_options` are sealed with
 * the portal's secret key (additional data: the row's uuid) and never answered, logged or put in events:
 * answers and events name only the keys set. The connection is checked before anything is stored
 * (`?validate=false` skips it); a bad value is a 400 naming the field, with nothing written.
 *
 * @example
 *   registerProviderRoutes(app, deps);
 */
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { allow, customerAccess } from '../api/access.ts';
import { record } from '../api/audit.ts';
import { callerOf, objectUrl, type PortalDeps, uuidOf } from '../api/context.ts';
import { page } from '../api/pagination.ts';
import { ErrorBody, List, UuidParams } from '../api/schemas.ts';
import { newUuid, now } from '../store/index.ts';
import { offeringAccess, visibleOfferings } from './access.ts';
import { limitsOf, tenantComponents, VOLUME_TYPE_PREFIX } from './components.ts';
import { checkConnection } from './connection.ts';
import { type OfferingRow, TENANT_TYPE } from './rows.ts';
import {
  type Component,
  Offering,
  OfferingCreateBody,
  OfferingPatchBody,
  OfferingQuery,
  type Options,
  type PluginOptions,
  ValidateQuery,
} from './schemas.ts';
import {
  needBox,
  openSecrets,
  requireSecrets,
  resolveSettings,
  sealSecrets,
  secretKeys,
} from './settings.ts';

const tags = ['marketplace-provider-offerings'];
const BASE = '/api/marketplace-provider-offerings/';
const Deleted = { 204: { type: 'null', description: 'deleted' }, default: ErrorBody };

function offeringOut(req: FastifyRequest, r: OfferingRow, customerName: string) {
  return {
    uuid: r.uuid,
    url: objectUrl(req, 'marketplace-provider-offerings', r.uuid),
    name: r.name,
    description: r.description,
    type: r.type,
    state: r.state,
    customer: objectUrl(req, 'customers', r.customer_uuid),
    customer_uuid: r.customer_uuid,
    customer_name: customerName,
    project_uuid: r.project_uuid,
    parent_uuid: r.parent_uuid,
    scope_uuid: r.scope_uuid,
    shared: r.shared === 1,
    billable: r.billable === 1,
    secret_options_set: JSON.parse(r.secret_keys) as string[],
    options: JSON.parse(r.options) as Record<string, unknown>,
    plugin_options: JSON.parse(r.plugin_options) as Record<string, unknown>,
    components: JSON.parse(r.components) as Component[],
    created: r.created,
    modified: r.modified,
  };
}

/** Volume types named by earlier components (dynamic mode without a connection check). */
function knownVolumeTypes(cs: readonly Component[]): string[] {
  return cs
    .filter((c) => c.type.startsWith(VOLUME_TYPE_PREFIX))
    .map((c) => c.type.slice(VOLUME_TYPE_PREFIX.length));
}

export function registerProviderRoutes(app: App, d: PortalDeps): void {
  const db = d.store.db;
  const customerName = async (uuid: string) =>
    (await db.selectFrom('portal_customers').select('name').where('uuid', '=', uuid).executeTakeFirst())
      ?.name ?? '';

  app.get(
    BASE,
    { schema: { tags, querystring: OfferingQuery, response: { 200: List(Offering), default: ErrorBody } } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      let q = db.selectFrom('portal_offerings').selectAll();
      if (!c.staff) q = q.where(visibleOfferings(db, c));
      const f = req.query;
      if (f.name !== undefined) q = q.where('name', '=', f.name);
      if (f.type !== undefined) q = q.where('type', '=', f.type);
      if (f.customer_uuid !== undefined) q = q.where('customer_uuid', '=', f.customer_uuid);
      if (f.parent_uuid !== undefined) q = q.where('parent_uuid', '=', f.parent_uuid);
      if (f.scope_uuid !== undefined) q = q.where('scope_uuid', '=', f.scope_uuid);
      const rows = await page(req, reply, q, { orderBy: 'name', shape: (r: OfferingRow) => r });
      const names = new Map<string, string>();
      const ids = [...new Set(rows.map((r) => r.customer_uuid))];
      if (ids.length > 0)
        for (const x of await db
          .selectFrom('portal_customers')
          .select(['uuid', 'name'])
          .where('uuid', 'in', ids)
          .execute())
          names.set(x.uuid, x.name);
      return rows.map((r) => offeringOut(req, r, names.get(r.customer_uuid) ?? ''));
    },
  );

  app.post(
    BASE,
    {
      schema: {
        tags,
        querystring: ValidateQuery,
        body: OfferingCreateBody,
        response: { 201: Offering, default: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const b = req.body;
      const { customer, access } = await customerAccess(
        db,
        c,
        uuidOf(b.customer, 'customers', 'body.customer'),
      ).catch((e) => {
        if (e instanceof OsnetError && e.code === 'OSNET_ERR_NOT_FOUND')
          throw new OsnetError('OSNET_ERR_VALIDATION', 'body.customer: no such organisation', {
            field: 'body.customer',
          });
        throw e;
      });
      allow(access, ['staff', 'owner'], 'register providers of an organisation');
      requireSecrets(b.secret_options, 'body.secret_options');
      const box = needBox(d.secrets);
      const plugin: PluginOptions = b.plugin_options ?? {};
      const options: Options = b.options ?? {};
      const settings = resolveSettings(b.secret_options, plugin, options);
      const checked = req.query.validate === false ? undefined : await checkConnection(settings, 'body');
      const components = tenantComponents(settings.storage_mode, checked?.volumeTypes ?? [], b.components);
      const uuid = newUuid();
      const at = now();
      const row: OfferingRow = {
        uuid,
        customer_uuid: customer.uuid,
        project_uuid: null,
        parent_uuid: null,
        scope_uuid: null,
        name: b.name,
        description: b.description ?? '',
        type: TENANT_TYPE,
        state: 'Active',
        shared: b.shared ? 1 : 0,
        billable: 1,
        secret_options: sealSecrets(box, uuid, b.secret_options),
        secret_keys: JSON.stringify(secretKeys(b.secret_options)),
        options: JSON.stringify(options),
        plugin_options: JSON.stringify(plugin),
        components: JSON.stringify(components),
        created: at,
        modified: at,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('portal_offerings').values(row).execute();
        await record(trx, req, {
          event_type: 'offering_creation_succeeded',
          message: `provider offering ${row.name} created in ${customer.name}`,
          resource: ['offering', uuid],
          customer: customer.uuid,
          context: { name: row.name, type: row.type, secret_options_set: secretKeys(b.secret_options) },
        });
      });
      return reply.code(201).send(offeringOut(req, row, customer.name));
    },
  );

  app.get(
    `${BASE}:uuid/`,
    { schema: { tags, params: UuidParams, response: { 200: Offering, default: ErrorBody } } },
    async (req) => {
      const { row } = await offeringAccess(db, await callerOf(d, req), req.params.uuid);
      return offeringOut(req, row, await customerName(row.customer_uuid));
    },
  );

  app.patch(
    `${BASE}:uuid/`,
    {
      schema: {
        tags,
        params: UuidParams,
        querystring: ValidateQuery,
        body: OfferingPatchBody,
        response: { 200: Offering, default: ErrorBody },
      },
    },
    async (req) => {
      const { row, access } = await offeringAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff', 'owner'], 'change an offering');
      const b = req.body;
      const set: Partial<OfferingRow> = { modified: now() };
      if (b.name !== undefined) set.name = b.name;
      if (b.description !== undefined) set.description = b.description;
      if (b.shared !== undefined) set.shared = b.shared ? 1 : 0;
      if (b.state !== undefined) set.state = b.state;
      if (row.type === TENANT_TYPE) {
        const box = needBox(d.secrets);
        const secrets = { ...openSecrets(box, row), ...b.secret_options };
        const plugin: PluginOptions = {
          ...(JSON.parse(row.plugin_options) as PluginOptions),
          ...b.plugin_options,
        };
        const options: Options = { ...(JSON.parse(row.options) as Options), ...b.options };
        const settings = resolveSettings(secrets, plugin, options);
        const connects = b.secret_options !== undefined || b.plugin_options !== undefined;
        const checked =
          connects && req.query.validate !== false ? await checkConnection(settings, 'body') : undefined;
        const old = JSON.parse(row.components) as Component[];
        const kept = limitsOf(old).filter((l) => !b.components?.some((x) => x.type === l.type));
        const types = checked?.volumeTypes ?? knownVolumeTypes(old);
        const offered = new Set(tenantComponents(settings.storage_mode, types).map((x) => x.type));
        set.components = JSON.stringify(
          tenantComponents(settings.storage_mode, types, [
            ...kept.filter((l) => offered.has(l.type)),
            ...(b.components ?? []),
          ]),
        );
        if (b.secret_options) {
          set.secret_options = sealSecrets(box, row.uuid, secrets);
          set.secret_keys = JSON.stringify(secretKeys(secrets));
        }
        set.plugin_options = JSON.stringify(plugin);
        set.options = JSON.stringify(options);
      } else if (b.secret_options || b.plugin_options || b.components) {
        throw new OsnetError('OSNET_ERR_VALIDATION', 'body: a per-tenant offering has no provider settings', {
          field: 'body',
        });
      }
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('portal_offerings').set(set).where('uuid', '=', row.uuid).execute();
        await record(trx, req, {
          event_type: 'offering_update_succeeded',
          message: `offering ${row.name} updated`,
          resource: ['offering', row.uuid],
          customer: row.customer_uuid,
          context: {
            fields: Object.keys(b),
            secret_options_changed: Object.keys(b.secret_options ?? {}).sort(),
          },
        });
      });
      return offeringOut(req, { ...row, ...set }, await customerName(row.customer_uuid));
    },
  );

  app.delete(
    `${BASE}:uuid/`,
    { schema: { tags, params: UuidParams, response: Deleted } },
    async (req, reply) => {
      const { row, access } = await offeringAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff', 'owner'], 'delete an offering');
      await db.transaction().execute(async (trx) => {
        // Waldur refuses an offering with resources ("Offering was not deleted since it has resources",
        // a ProtectedError for staff): a tenant's teardown needs its provider, being deleted ones too
        const tenants = await trx
          .selectFrom('portal_resources')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('kind', '=', 'tenants')
          .where((eb) => eb.or([eb('provider_uuid', '=', row.uuid), eb('offering_uuid', '=', row.uuid)]))
          .executeTakeFirstOrThrow();
        const n = Number(tenants.n);
        if (n > 0)
          throw new OsnetError(
            'OSNET_ERR_PORTAL_STATE',
            `Offering was not deleted since it has resources: ${n} tenant${n === 1 ? '' : 's'} (delete ${n === 1 ? 'it' : 'them'} first)`,
          );
        const child = await trx
          .selectFrom('portal_offerings')
          .select('uuid')
          .where('parent_uuid', '=', row.uuid)
          .executeTakeFirst();
        if (child)
          throw new OsnetError(
            'OSNET_ERR_STORE_REFERENCED',
            'the offering has per-tenant offerings: delete its tenants first',
          );
        await trx.deleteFrom('portal_offerings').where('uuid', '=', row.uuid).execute();
        await record(trx, req, {
          event_type: 'offering_deletion_succeeded',
          message: `offering ${row.name} deleted`,
          resource: ['offering', row.uuid],
          customer: row.customer_uuid,
        });
      });
      return reply.code(204).send();
    },
  );
}
