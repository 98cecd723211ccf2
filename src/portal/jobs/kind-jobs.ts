/**
 * Jobs of the kinds inside a tenant (networks, subnets, …): each operation is one call of the kind's
 * KindBackend in the tenant's scope; resource-jobs.ts turns the outcome into states and events.
 */
import { OsnetError } from '../../lib/errors.ts';
import type { ResourceRow } from '../store/schema.ts';
import { type EngineDeps, scopeOf } from './engine.ts';
import { pullErrors, pullTenant } from './pull.ts';
import { resourceHandler } from './resource-jobs.ts';
import type { JobHandler } from './runner.ts';

async function tenantOf(d: EngineDeps, r: ResourceRow): Promise<ResourceRow> {
  const t = r.tenant_uuid
    ? await d.store.db
        .selectFrom('portal_resources')
        .selectAll()
        .where('uuid', '=', r.tenant_uuid)
        .executeTakeFirst()
    : undefined;
  if (!t) throw new OsnetError('OSNET_ERR_NOT_FOUND', `${r.kind} ${r.uuid}: its tenant is gone`);
  return t;
}

export function kindHandler(d: EngineDeps, kind: string): JobHandler {
  const backend = () => {
    const k = d.kinds.get(kind);
    if (!k) throw new Error(`no kind ${kind}`);
    return k.backend;
  };
  return resourceHandler(d, {
    async create(r, _job, _ctx, p) {
      const scope = await scopeOf(d, await tenantOf(d, r));
      return backend().create(scope, p.spec ?? {}, r.uuid);
    },
    async update(r, _job, _ctx, p) {
      const b = backend();
      if (!b.update) throw new OsnetError('OSNET_ERR_UNSUPPORTED', `${kind} cannot be updated`);
      const scope = await scopeOf(d, await tenantOf(d, r));
      return { record: await b.update(scope, r.backend_id!, p.patch ?? {}) };
    },
    async delete(r) {
      if (r.backend_id) await backend().delete(await scopeOf(d, await tenantOf(d, r)), r.backend_id);
      return { deleted: true };
    },
    async action(r, _job, _ctx, p) {
      const fn = backend().actions?.[p.action ?? ''];
      if (!fn) throw new OsnetError('OSNET_ERR_UNSUPPORTED', `${kind} has no action ${p.action}`);
      const scope = await scopeOf(d, await tenantOf(d, r));
      return { record: await fn(scope, r.backend_id!, p.body ?? {}) };
    },
    async pull(r, _job, ctx) {
      const results = await pullTenant(d, await tenantOf(d, r), [kind], ctx.report);
      const errors = pullErrors(results);
      if (errors) throw new OsnetError('OSNET_ERR_INTERNAL', errors);
      return {};
    },
  });
}
