/**
 * The PolicyRepo (src/policy/model.ts) over the shared store. Every write is one transaction that also
 * bumps the state row when it changed anything, so a reader sees the policies and their version move
 * together. Writes are retried on a conflict with a concurrent writer (PostgreSQL), and on a unique
 * violation: two writers that picked the same next tag, or created the same group, both start over and the
 * second then finds the first's rows.
 */
import type { Kysely } from 'kysely';
import { OsnetError } from '../../lib/errors.ts';
import { type Store, withRetry } from '../../store/index.ts';
import type {
  Policy,
  PolicyFilter,
  PolicyGroup,
  PolicyRecord,
  PolicyRepo,
  PolicyStoreState,
} from '../model.ts';
import { bumpState, chunks, ensureGroupsIn, toGroup } from './groups.ts';
import { listPolicies } from './list.ts';
import type { PolicyDB } from './schema.ts';
import { checkIds, checkPolicies, checkProjectId } from './validate.ts';

const RETRY = { on: ['OSNET_ERR_STORE_CONFLICT', 'OSNET_ERR_STORE_UNIQUE'], attempts: 12 } as const;

function policyKey(p: Policy): string {
  return JSON.stringify([p.source, p.destination, p.protocol, p.ports.start, p.ports.end]);
}

function distinct(policies: Policy[]): Policy[] {
  return [...new Map(policies.map((p) => [policyKey(p), p])).values()];
}

export class StorePolicyRepo implements PolicyRepo {
  readonly #store: Store<PolicyDB>;
  readonly #db: Kysely<PolicyDB>;

  constructor(store: Store<PolicyDB>) {
    this.#store = store;
    this.#db = store.db;
  }

  get kind(): Store<PolicyDB>['kind'] {
    return this.#store.kind;
  }

  async ensureGroups(ids: string[], projectId?: string | null): Promise<PolicyGroup[]> {
    const valid = checkIds(ids);
    const project = checkProjectId(projectId);
    if (valid.length === 0) return [];
    const byId = await withRetry(
      () =>
        this.#db.transaction().execute(async (trx) => {
          const now = new Date().toISOString();
          const { byId, created } = await ensureGroupsIn(trx, valid, project, now);
          if (created > 0) await bumpState(trx, now);
          return byId;
        }),
      RETRY,
    );
    return valid.map((id) => toGroup(byId.get(id)!));
  }

  async groups(filter: { ids?: string[]; projectId?: string } = {}): Promise<PolicyGroup[]> {
    const ids = filter.ids && checkIds(filter.ids, 'filter.ids');
    const project =
      filter.projectId === undefined ? undefined : checkProjectId(filter.projectId, 'filter.projectId');
    if (ids?.length === 0) return [];
    const out: PolicyGroup[] = [];
    for (const part of ids ? chunks([...new Set(ids)]) : [undefined]) {
      let q = this.#db.selectFrom('policy_groups').select(['id', 'tag', 'project_id']);
      if (part) q = q.where('id', 'in', part);
      if (project !== undefined) q = q.where('project_id', '=', project);
      for (const r of await q.execute()) out.push(toGroup(r));
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async createPolicies(policies: Policy[], projectId?: string | null): Promise<{ created: number }> {
    const valid = distinct(checkPolicies(policies));
    const project = checkProjectId(projectId);
    if (valid.length === 0) return { created: 0 };
    return withRetry(
      () =>
        this.#db.transaction().execute(async (trx) => {
          const now = new Date().toISOString();
          const groupIds = valid.flatMap((p) => [p.source, p.destination]);
          const groups = await ensureGroupsIn(trx, groupIds, project, now);
          let created = 0;
          for (const part of chunks(valid, 500)) {
            const rows = part.map((p) => ({
              source: p.source,
              destination: p.destination,
              protocol: p.protocol,
              port_start: p.ports.start,
              port_end: p.ports.end,
            }));
            const res = await trx
              .insertInto('policies')
              .values(rows)
              .onConflict((oc) => oc.doNothing())
              .executeTakeFirst();
            created += Number(res.numInsertedOrUpdatedRows ?? 0n);
          }
          if (created > 0 || groups.created > 0) await bumpState(trx, now);
          return { created };
        }),
      RETRY,
    );
  }

  async deletePolicies(policies: Policy[]): Promise<{ deleted: number }> {
    const valid = distinct(checkPolicies(policies));
    if (valid.length === 0) return { deleted: 0 };
    return withRetry(
      () =>
        this.#db.transaction().execute(async (trx) => {
          let deleted = 0;
          for (const part of chunks(valid, 100)) {
            const res = await trx
              .deleteFrom('policies')
              .where((eb) =>
                eb.or(
                  part.map((p) =>
                    eb.and([
                      eb('source', '=', p.source),
                      eb('destination', '=', p.destination),
                      eb('protocol', '=', p.protocol),
                      eb('port_start', '=', p.ports.start),
                      eb('port_end', '=', p.ports.end),
                    ]),
                  ),
                ),
              )
              .executeTakeFirst();
            deleted += Number(res.numDeletedRows);
          }
          if (deleted > 0) await bumpState(trx, new Date().toISOString());
          return { deleted };
        }),
      RETRY,
    );
  }

  listPolicies(filter: PolicyFilter = {}): Promise<PolicyRecord[]> {
    const checked: PolicyFilter = {
      ...(filter.ids ? { ids: checkIds(filter.ids, 'filter.ids') } : {}),
      ...(filter.sourceIds ? { sourceIds: checkIds(filter.sourceIds, 'filter.sourceIds') } : {}),
      ...(filter.destIds ? { destIds: checkIds(filter.destIds, 'filter.destIds') } : {}),
      ...(filter.projectId === undefined
        ? {}
        : { projectId: checkProjectId(filter.projectId, 'filter.projectId')! }),
    };
    return listPolicies(this.#db, checked);
  }

  async pruneGroups(keep: string[] = []): Promise<string[]> {
    const kept = new Set(checkIds(keep, 'keep'));
    // a policy created meanwhile (PostgreSQL) makes the delete fail on the foreign key: start over
    const on = ['OSNET_ERR_STORE_CONFLICT', 'OSNET_ERR_STORE_REFERENCED'] as const;
    return withRetry(
      () =>
        this.#db.transaction().execute(async (trx) => {
          const unused = await trx
            .selectFrom('policy_groups as g')
            .select('g.id')
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('policies').select('source').whereRef('source', '=', 'g.id'))),
            )
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('policies').select('destination').whereRef('destination', '=', 'g.id'))),
            )
            .execute();
          const ids = unused.map((r) => r.id).filter((id) => !kept.has(id));
          for (const part of chunks(ids))
            await trx.deleteFrom('policy_groups').where('id', 'in', part).execute();
          if (ids.length > 0) await bumpState(trx, new Date().toISOString());
          return ids.sort();
        }),
      { on, attempts: 12 },
    );
  }

  async state(): Promise<PolicyStoreState> {
    const row = await this.#db
      .selectFrom('policy_state')
      .select(['version', 'last_updated'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (!row) throw new OsnetError('OSNET_ERR_INTERNAL', 'policy store: the state row is missing');
    return { version: Number(row.version), lastUpdated: new Date(row.last_updated) };
  }

  check(): Promise<void> {
    return this.#store.check();
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
