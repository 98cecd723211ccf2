/**
 * The difference between the store and Neutron, as pure data (no calls): which membership groups to
 * create or retire, and which ingress rules to create, delete as extra, or delete as duplicates.
 * Groups are planned first; rules are planned against the groups that exist once groups are done.
 *
 * @example
 *   const g = planGroups(groups, observed.groups, 'proj-cni');
 *   const r = planRules(policies, g.sgOf, observed.rules, g.retire);
 */
import type { PolicyGroup, PolicyRecord } from '../model.ts';
import { groupName, policyRules, type RuleShape, ruleKey } from './naming.ts';
import type { ObservedGroup, ObservedRule } from './observed.ts';

export interface GroupPlan {
  /** Policy group id → its security group id, for groups Neutron already has. */
  sgOf: Map<string, string>;
  /** Groups of the store with no security group yet, with the project to create it in. */
  create: { group: PolicyGroup; projectId: string }[];
  /** osnet groups no store group claims (deleted apps, a reused tag, a second copy): delete when unused. */
  retire: ObservedGroup[];
}

export interface RulePlan {
  create: RuleShape[];
  /** Ingress rules on osnet groups that no policy asks for. */
  extra: ObservedRule[];
  /** Second and later copies of a wanted rule. */
  duplicates: ObservedRule[];
}

export function planGroups(
  groups: readonly PolicyGroup[],
  observed: readonly ObservedGroup[],
  defaultProjectId: string,
): GroupPlan {
  // by name and description: one lookup per store group (20,000 apps would make a scan quadratic)
  const byIdentity = new Map<string, ObservedGroup[]>();
  for (const sg of observed) {
    const k = `${sg.name}\0${sg.description}`;
    const list = byIdentity.get(k);
    if (list) list.push(sg);
    else byIdentity.set(k, [sg]);
  }
  const sgOf = new Map<string, string>();
  const claimed = new Set<string>();
  const create: GroupPlan['create'] = [];
  for (const g of groups) {
    const projectId = g.projectId ?? defaultProjectId;
    const candidates = (byIdentity.get(`${groupName(g.tag)}\0${g.id}`) ?? [])
      .filter((sg) => sg.project_id === projectId)
      // the oldest copy wins, so two passes (or two servers) agree on which one stays
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    const sg = candidates[0];
    if (sg) {
      sgOf.set(g.id, sg.id);
      claimed.add(sg.id);
    } else create.push({ group: g, projectId });
  }
  return { sgOf, create, retire: observed.filter((sg) => !claimed.has(sg.id)) };
}

export function planRules(
  policies: readonly PolicyRecord[],
  sgOf: ReadonlyMap<string, string>,
  observed: readonly ObservedRule[],
): RulePlan {
  const wanted = new Map<string, RuleShape>();
  for (const p of policies) {
    const dst = sgOf.get(p.destination);
    const src = sgOf.get(p.source);
    // a group not made yet (write budget spent): its rules come the pass after it is
    if (!dst || !src) continue;
    for (const r of policyRules(dst, src, p.protocol, p.ports)) wanted.set(ruleKey(r), r);
  }
  const seen = new Set<string>();
  const extra: ObservedRule[] = [];
  const duplicates: ObservedRule[] = [];
  // oldest-looking first is not knowable from rule fields; keep the first by id for a stable choice
  for (const r of [...observed].sort((a, b) => a.id.localeCompare(b.id))) {
    const k = ruleKey(r);
    if (!wanted.has(k)) extra.push(r);
    else if (seen.has(k)) duplicates.push(r);
    else seen.add(k);
  }
  const create = [...wanted].filter(([k]) => !seen.has(k)).map(([, r]) => r);
  return { create, extra, duplicates };
}
