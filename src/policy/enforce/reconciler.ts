/**
 * Keeps Neutron equal to the policy store: one pass reads the store (groups, policies) and Neutron (osnet's
 * groups by tag, their ingress rules in a few filtered lists), then deletes extra rules (revocations first:
 * failing closed), creates missing groups and rules, deletes duplicate rules, and retires groups of deleted
 * apps that no port uses. A second pass over an unchanged store writes nothing. The loop runs a pass every
 * `intervalMs`, and at once on `trigger()` (calls during a pass coalesce into one more pass).
 *
 * @example
 *   const r = createReconciler({ repo, neutron: net, defaultProjectId: cniProject, log, metrics: { prom, registry } });
 *   const report = await r.reconcile();
 *   r.start({ intervalMs: 30_000 }); r.trigger(); await r.stop();
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/log.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import type { PromClient } from '../../service/service.ts';
import type { PolicyRepo } from '../model.ts';
import { type Report, Writer } from './apply.ts';
import { type EnforceMetrics, enforceMetrics } from './metrics.ts';
import { GROUP_TAG } from './naming.ts';
import { groupsInUse, observe } from './observed.ts';
import { planGroups, planRules } from './plan.ts';

export type { Report } from './apply.ts';

export interface ReconcilerOptions {
  repo: PolicyRepo;
  /** Neutron as admin: groups are made in each policy group's project. */
  neutron: ServiceClient;
  /** The project of groups registered without one (the internal API: the project the pods' ports are in). */
  defaultProjectId: string;
  log: Logger;
  metrics?: { prom: PromClient; registry: Registry };
  /** Neutron writes in flight at most (default 4). */
  concurrency?: number;
  /** Neutron writes per pass at most (default 500); the rest waits for the next pass. */
  maxWritesPerPass?: number;
  /**
   * The Neutron tag marking the groups this reconciler owns (default `osnet-policy-group`): groups without
   * it are never touched. Two stores on one cloud (a staging server, a test run) each use their own.
   */
  groupTag?: string;
}

export interface Reconciler {
  reconcile(): Promise<Report>;
  /** Passes every `intervalMs`, plus one soon after each `trigger()`. */
  start(o: { intervalMs: number }): void;
  /** Asks for a pass now; while one runs, the calls coalesce into one more. Resolves with that pass's report. */
  trigger(): Promise<Report>;
  stop(): Promise<void>;
  /** The latest report (undefined before the first pass). */
  readonly last: Report | undefined;
}

export function createReconciler(o: ReconcilerOptions): Reconciler {
  if (!o.defaultProjectId) throw new TypeError('createReconciler: defaultProjectId is required');
  const metrics: EnforceMetrics | undefined = o.metrics && enforceMetrics(o.metrics.prom, o.metrics.registry);
  const concurrency = Math.max(1, o.concurrency ?? 4);
  const maxWrites = Math.max(1, o.maxWritesPerPass ?? 500);
  const groupTag = o.groupTag ?? GROUP_TAG;
  let last: Report | undefined;

  async function pass(): Promise<Report> {
    const t0 = performance.now();
    const [groups, policies, seen] = await Promise.all([
      o.repo.groups(),
      o.repo.listPolicies(),
      observe(o.neutron, groupTag),
    ]);
    const w = new Writer(o.neutron, o.log, { concurrency, maxWrites, groupTag });
    w.report.reads = seen.calls;
    const g = planGroups(groups, seen.groups, o.defaultProjectId);
    const retiring = new Set(g.retire.map((sg) => sg.id));
    // Rules on groups being retired go with their group; judge the other groups' rules first
    const live = seen.rules.filter((r) => !retiring.has(r.security_group_id));
    const before = planRules(policies, g.sgOf, live);
    await w.deleteRules(before.extra, 'extra');
    const made = await w.createGroups(g.create);
    const sgOf = new Map([...g.sgOf, ...made]);
    const projectOf = new Map<string, string>();
    for (const sg of seen.groups) projectOf.set(sg.id, sg.project_id);
    for (const c of g.create) {
      const id = made.get(c.group.id);
      if (id) projectOf.set(id, c.projectId);
    }
    // New groups have no ingress rules yet: planning again adds their policies' rules
    const after = made.size ? planRules(policies, sgOf, live) : before;
    await w.createRules(after.create, projectOf);
    await w.deleteRules(after.duplicates, 'duplicate');
    if (g.retire.length) {
      const inUse = await groupsInUse(o.neutron, [...retiring]);
      w.report.reads++;
      // a kept group (ports still use it) must not keep granting access: its rules go
      const keptRules = seen.rules.filter((r) => inUse.has(r.security_group_id));
      await w.deleteRules(keptRules, 'extra');
      await w.retireGroups(g.retire, inUse);
    }
    const r = w.report;
    const seconds = (performance.now() - t0) / 1000;
    metrics?.record(r, seconds);
    const changed = r.writes > 0 || r.deferred > 0 || r.errors.length > 0;
    (changed ? o.log.info : o.log.debug).call(
      o.log,
      {
        groups_created: r.groups.created,
        groups_deleted: r.groups.deleted,
        groups_kept: r.groups.kept.length,
        rules_created: r.rules.created,
        rules_deleted: r.rules.deleted,
        duplicates_deleted: r.rules.duplicates,
        writes: r.writes,
        deferred: r.deferred,
        reads: r.reads,
        errors: r.errors.length,
        seconds: Number(seconds.toFixed(3)),
      },
      changed ? 'policy reconcile corrected Neutron' : 'policy reconcile: Neutron matches the store',
    );
    last = r;
    return r;
  }

  let running: Promise<Report> | undefined;
  let queued: Promise<Report> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function runOnce(): Promise<Report> {
    const p = pass().catch((e: unknown) => {
      metrics?.failed();
      o.log.warn({ err: (e as Error).message }, 'policy reconcile failed');
      throw e;
    });
    running = p;
    void p
      .finally(() => {
        if (running === p) running = undefined;
      })
      .catch(() => undefined);
    return p;
  }

  function trigger(): Promise<Report> {
    if (!running) return runOnce();
    // one pass after the running one, however many triggers arrive meanwhile
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return runOnce();
      });
    return queued;
  }

  return {
    reconcile: trigger,
    trigger,
    start({ intervalMs }) {
      if (timer || stopped) return;
      const tick = () => {
        if (stopped) return;
        void trigger()
          .then((r) => {
            // budget spent: the rest soon, not a whole interval later
            if (r.deferred > 0 && !stopped) setTimeout(tick, 100).unref();
          })
          .catch(() => undefined);
      };
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([running, queued]);
    },
    get last() {
      return last;
    },
  };
}
