/**
 * Jobs of tenants, driving the TenantBackend: the ordered create (then the initial pulls), the ordered
 * teardown, quotas both ways, a new tenant-user password, and the tenant's pull (its project, every kind
 * inside it, its quotas), each part failing on its own.
 */
import { OsnetError } from '../../lib/errors.ts';
import type { QuotaValues, TenantSpec } from '../backend/contract.ts';
import { ERRED, OK } from '../resources/states.ts';
import { now } from '../store/index.ts';
import type { ResourceRow } from '../store/schema.ts';
import { type EngineDeps, parseFields, scopeOf } from './engine.ts';
import { type Actor, resourceEvent } from './events.ts';
import { errorText } from './faults.ts';
import { pullErrors, pullTenant } from './pull.ts';
import { resourceHandler } from './resource-jobs.ts';
import type { JobHandler } from './runner.ts';

export interface TenantPullPayload {
  /** Kinds to pull (default: every registered kind). */
  kinds?: string[] | undefined;
  quotas?: boolean | undefined;
  /** The tenant's own project (name, description). */
  project?: boolean | undefined;
  /** Who asked (a user's pull; none for a schedule's). */
  actor?: Actor | undefined;
}

export function quotasField(limits: QuotaValues, usage: QuotaValues) {
  return Object.keys({ ...limits, ...usage })
    .sort()
    .map((name) => ({ name, limit: limits[name] ?? -1, usage: usage[name] ?? 0 }));
}

type QuotaRow = { name: string; limit: number; usage: number };

/**
 * Waldur's `openstack_tenant_quota_limit_updated`, one per limit that changed from a known value (the
 * first quotas a tenant gets are not a change), with `quota_name`, `limit` and `old_limit`.
 */
export function quotaEvents(t: ResourceRow, quotas: readonly QuotaRow[]) {
  const before = new Map(((parseFields(t).quotas ?? []) as QuotaRow[]).map((q) => [q.name, q.limit]));
  return quotas.flatMap((q) => {
    const old = before.get(q.name);
    if (old === undefined || old === q.limit) return [];
    return [
      {
        event_type: 'openstack_tenant_quota_limit_updated',
        message: `${q.name} quota limit has been changed from ${old} to ${q.limit} for tenant ${t.name}.`,
        context: { quota_name: q.name, limit: q.limit, old_limit: old },
      },
    ];
  });
}

async function pullQuotas(d: EngineDeps, t: ResourceRow) {
  const q = await d.tenants.pullQuotas(await scopeOf(d, t));
  const quotas = quotasField(q.limits, q.usage);
  return { fields: { quotas }, events: quotaEvents(t, quotas) };
}

/** The tenant's pull: returns the failures, one message per part (empty: none). */
export async function pullWholeTenant(
  d: EngineDeps,
  t: ResourceRow,
  p: TenantPullPayload,
  report: (step: string) => Promise<void>,
): Promise<string> {
  const db = d.store.db;
  const errors: string[] = [];
  if (p.project ?? true) {
    await report('pull project');
    try {
      const rec = await d.tenants.get(await scopeOf(d, t));
      const at = now();
      if (rec && (t.state === OK || t.state === ERRED))
        await db
          .updateTable('portal_resources')
          .set({
            state: OK,
            error_message: t.state === ERRED ? '' : t.error_message,
            name: rec.name || t.name,
            description: rec.description,
            fields: JSON.stringify({ ...parseFields(t), ...rec.fields }),
            backend_missing_since: null,
            modified: at,
          })
          .where('uuid', '=', t.uuid)
          .execute();
      else if (!rec && t.backend_missing_since === null)
        await db
          .updateTable('portal_resources')
          .set({ backend_missing_since: at, modified: at })
          .where('uuid', '=', t.uuid)
          .execute();
    } catch (err) {
      errors.push(`project: ${errorText(err)}`);
    }
  }
  const kinds = p.kinds ?? [...d.kinds.keys()];
  if (kinds.length > 0) {
    const e = pullErrors(await pullTenant(d, t, kinds, report));
    if (e) errors.push(e);
  }
  if (p.quotas ?? true) {
    await report('pull quotas');
    try {
      const fresh = await db
        .selectFrom('portal_resources')
        .selectAll()
        .where('uuid', '=', t.uuid)
        .executeTakeFirstOrThrow();
      const q = await pullQuotas(d, fresh);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('portal_resources')
          .set({ fields: JSON.stringify({ ...parseFields(fresh), ...q.fields }), modified: now() })
          .where('uuid', '=', t.uuid)
          .execute();
        for (const e of q.events) await resourceEvent(trx, fresh, { ...e, actor: p.actor });
      });
    } catch (err) {
      errors.push(`quotas: ${errorText(err)}`);
    }
  }
  return errors.join('; ');
}

export function tenantHandler(d: EngineDeps): JobHandler {
  return resourceHandler(d, {
    async create(r, _job, ctx, p) {
      const c = await d.providers.connect(r.provider_uuid);
      const out = await d.tenants.create(
        c.cloud,
        c.settings,
        p.spec as unknown as TenantSpec,
        r.uuid,
        ctx.report,
      );
      await d.providers.tenantCreated?.({ ...r, backend_id: out.record.backend_id });
      return {
        ...out,
        followUp: [
          {
            kind: 'tenants',
            operation: 'pull',
            resource_uuid: r.uuid,
            provider_uuid: r.provider_uuid,
            payload: { actor: p.actor },
          },
        ],
      };
    },
    async update(r, _job, ctx, p) {
      if (!d.tenants.update) throw new OsnetError('OSNET_ERR_UNSUPPORTED', 'tenants cannot be updated');
      await ctx.report('update project');
      return { record: await d.tenants.update(await scopeOf(d, r), p.patch ?? {}, r.uuid) };
    },
    async delete(r, _job, ctx) {
      if (r.backend_id) await d.tenants.delete(await scopeOf(d, r), ctx.report);
      return { deleted: true };
    },
    async action(r, _job, ctx, p) {
      const scope = await scopeOf(d, r);
      switch (p.action) {
        case 'set_quotas': {
          await ctx.report('push quotas');
          await d.tenants.setQuotas(scope, (p.body?.quotas ?? p.body ?? {}) as QuotaValues);
          await ctx.report('pull quotas');
          return pullQuotas(d, r);
        }
        case 'pull_quotas':
          return pullQuotas(d, r);
        case 'change_password': {
          const username = String(parseFields(r).user_username ?? '');
          const { password } = await d.tenants.changePassword(scope, username);
          return { secrets: { password } };
        }
        default:
          throw new OsnetError('OSNET_ERR_UNSUPPORTED', `tenants have no action ${p.action}`);
      }
    },
    async pull(r, job, ctx) {
      const errors = await pullWholeTenant(d, r, JSON.parse(job.payload) as TenantPullPayload, ctx.report);
      if (errors) throw new OsnetError('OSNET_ERR_INTERNAL', errors);
      return {};
    },
  });
}
