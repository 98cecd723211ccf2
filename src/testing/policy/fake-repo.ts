/**
 * A throwaway in-memory PolicyRepo (tests only) until the real store (src/policy/store) is merged: the API
 * is developed against the contract in src/policy/model.ts. Tags are allocated from 0001 upwards.
 *
 * @example
 *   const repo = fakePolicyRepo();
 */
import type { Policy, PolicyFilter, PolicyGroup, PolicyRecord, PolicyRepo } from '../../policy/model.ts';

const key = (p: Policy) => `${p.source}|${p.destination}|${p.protocol}|${p.ports.start}|${p.ports.end}`;

export function fakePolicyRepo(): PolicyRepo {
  const groups = new Map<string, PolicyGroup>();
  const policies = new Map<string, Policy>();
  let version = 0;
  let lastUpdated = new Date();
  const bump = () => {
    version++;
    lastUpdated = new Date();
  };
  const freeTag = () => {
    const used = new Set([...groups.values()].map((g) => g.tag));
    for (let i = 1; i <= 0xffff; i++) {
      const t = i.toString(16).padStart(4, '0');
      if (!used.has(t)) return t;
    }
    throw new Error('no free tag');
  };
  const ensure = (ids: string[], projectId: string | null) =>
    ids.map((id) => {
      let g = groups.get(id);
      if (!g) {
        g = { id, tag: freeTag(), projectId };
        groups.set(id, g);
        bump();
      }
      return g;
    });
  return {
    async ensureGroups(ids, projectId = null) {
      return ensure(ids, projectId);
    },
    async groups(f = {}) {
      return [...groups.values()].filter(
        (g) => (!f.ids || f.ids.includes(g.id)) && (f.projectId === undefined || g.projectId === f.projectId),
      );
    },
    async createPolicies(list, projectId = null) {
      let created = 0;
      for (const p of list) {
        ensure([p.source, p.destination], projectId);
        if (!policies.has(key(p))) {
          policies.set(key(p), { ...p, ports: { ...p.ports } });
          created++;
        }
      }
      if (created) bump();
      return { created };
    },
    async deletePolicies(list) {
      let deleted = 0;
      for (const p of list) if (policies.delete(key(p))) deleted++;
      if (deleted) bump();
      return { deleted };
    },
    async listPolicies(f: PolicyFilter = {}) {
      const out: PolicyRecord[] = [];
      for (const p of policies.values()) {
        if (f.ids?.length && !f.ids.includes(p.source) && !f.ids.includes(p.destination)) continue;
        if (f.sourceIds?.length && !f.sourceIds.includes(p.source)) continue;
        if (f.destIds?.length && !f.destIds.includes(p.destination)) continue;
        const s = groups.get(p.source)!;
        const d = groups.get(p.destination)!;
        if (f.projectId !== undefined && (s.projectId !== f.projectId || d.projectId !== f.projectId))
          continue;
        out.push({ ...p, sourceTag: s.tag, destinationTag: d.tag });
      }
      return out;
    },
    async pruneGroups(keep = []) {
      const used = new Set([...policies.values()].flatMap((p) => [p.source, p.destination]));
      const gone = [...groups.keys()].filter((id) => !used.has(id) && !keep.includes(id));
      for (const id of gone) groups.delete(id);
      if (gone.length) bump();
      return gone;
    },
    async state() {
      return { version, lastUpdated };
    },
    async check() {},
    async close() {},
  };
}
