/**
 * An in-memory PolicyRepo (tests only) for the enforcement tests while the real store (src/policy/store/,
 * another branch) is not merged: the contract of src/policy/model.ts, nothing more. Tags count up from
 * `firstTag` so parallel test files do not pick the same group names.
 *
 * @example
 *   const repo = fakePolicyRepo();
 *   await repo.createPolicies([{ source: 'b', destination: 'a', protocol: 'tcp', ports: { start: 8080, end: 8080 } }]);
 */
import type { Policy, PolicyFilter, PolicyGroup, PolicyRecord, PolicyRepo } from '../../policy/model.ts';

const same = (a: Policy, b: Policy) =>
  a.source === b.source &&
  a.destination === b.destination &&
  a.protocol === b.protocol &&
  a.ports.start === b.ports.start &&
  a.ports.end === b.ports.end;

export function fakePolicyRepo(firstTag = 1 + Math.floor(Math.random() * 0xf000)): PolicyRepo {
  const groups = new Map<string, PolicyGroup>();
  let policies: Policy[] = [];
  let next = firstTag;
  let version = 0;
  let lastUpdated = new Date();
  const bump = () => {
    version++;
    lastUpdated = new Date();
  };
  const ensure = (id: string, projectId: string | null) => {
    let g = groups.get(id);
    if (!g) {
      const n = next++;
      g = { id, tag: (((n - 1) % 0xffff) + 1).toString(16).padStart(4, '0'), projectId };
      groups.set(id, g);
      bump();
    }
    return g;
  };
  const record = (p: Policy): PolicyRecord => ({
    ...p,
    sourceTag: groups.get(p.source)!.tag,
    destinationTag: groups.get(p.destination)!.tag,
  });
  return {
    async ensureGroups(ids, projectId = null) {
      return ids.map((id) => ensure(id, projectId));
    },
    async groups(f) {
      return [...groups.values()].filter(
        (g) => (!f?.ids || f.ids.includes(g.id)) && (!f?.projectId || g.projectId === f.projectId),
      );
    },
    async createPolicies(ps, projectId = null) {
      let created = 0;
      for (const p of ps) {
        ensure(p.source, projectId);
        ensure(p.destination, projectId);
        if (!policies.some((q) => same(p, q))) {
          policies.push(structuredClone(p));
          created++;
        }
      }
      if (created) bump();
      return { created };
    },
    async deletePolicies(ps) {
      const before = policies.length;
      policies = policies.filter((q) => !ps.some((p) => same(p, q)));
      const deleted = before - policies.length;
      if (deleted) bump();
      return { deleted };
    },
    async listPolicies(f: PolicyFilter = {}) {
      return policies
        .filter(
          (p) =>
            (!f.ids || f.ids.includes(p.source) || f.ids.includes(p.destination)) &&
            (!f.sourceIds || f.sourceIds.includes(p.source)) &&
            (!f.destIds || f.destIds.includes(p.destination)),
        )
        .map(record);
    },
    async pruneGroups(keep = []) {
      const used = new Set(policies.flatMap((p) => [p.source, p.destination]));
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
