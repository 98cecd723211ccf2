/**
 * Carries out plans on Neutron within a write budget and a concurrency bound: what does not fit is left
 * for the next pass (counted in `deferred`). Rules are created in bulk (one POST per group and chunk); a 409 in a
 * chunk (someone made one of them meanwhile) falls back to one create per rule, where 409 means present.
 * Deletes of what is already gone count as done. A failed write is reported, never aborts the pass.
 *
 * @example
 *   const w = new Writer(net, log, { concurrency: 4, maxWrites: 200 });
 *   await w.deleteRules(plan.extra, 'extra');
 */
import type { Logger } from '../../lib/log.ts';
import { ConflictError } from '../../openstack/client/errors.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as rules from '../../openstack/networking/v2/security-group-rules/index.ts';
import * as securityGroups from '../../openstack/networking/v2/security-groups/index.ts';
import * as tags from '../../openstack/networking/v2/tags/index.ts';
import type { PolicyGroup } from '../model.ts';
import { groupName, type RuleShape } from './naming.ts';
import type { ObservedGroup, ObservedRule } from './observed.ts';

export interface Report {
  groups: {
    created: number;
    deleted: number;
    /** osnet groups of apps no longer in the store, kept because ports still use them. */
    kept: { id: string; name: string; group_id: string }[];
  };
  rules: {
    created: number;
    /** Extra ingress rules deleted (policies deleted, or rules added by hand). */
    deleted: number;
    duplicates: number;
    /** Creates Neutron refused as duplicates (409): the rule was there already. */
    present: number;
  };
  /** Neutron calls that changed something. */
  writes: number;
  /** Writes left for the next pass. */
  deferred: number;
  /** GET requests made. */
  reads: number;
  errors: string[];
}

export function emptyReport(): Report {
  return {
    groups: { created: 0, deleted: 0, kept: [] },
    rules: { created: 0, deleted: 0, duplicates: 0, present: 0 },
    writes: 0,
    deferred: 0,
    reads: 0,
    errors: [],
  };
}

export interface WriterOptions {
  concurrency: number;
  maxWrites: number;
  /** The Neutron tag new groups get. */
  groupTag: string;
}

const BULK = 50;

/** Runs fn over items, at most n at a time. */
async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export class Writer {
  readonly report = emptyReport();
  private budget: number;
  private readonly net: ServiceClient;
  private readonly log: Logger;
  private readonly o: WriterOptions;

  constructor(net: ServiceClient, log: Logger, o: WriterOptions) {
    this.net = net;
    this.log = log;
    this.o = o;
    this.budget = o.maxWrites;
  }

  /** The part of `items` the budget allows (each costing `cost` writes); the rest is counted as deferred. */
  private take<T>(items: readonly T[], cost = 1): T[] {
    const n = Math.max(0, Math.min(items.length, Math.floor(this.budget / cost)));
    this.budget -= n * cost;
    this.report.deferred += (items.length - n) * cost;
    return items.slice(0, n);
  }

  private fail(what: string, e: unknown): void {
    const msg = `${what}: ${(e as Error).message}`;
    this.report.errors.push(msg);
    this.log.warn({ err: (e as Error).message }, `policy reconcile: ${what} failed`);
  }

  /** Creates and tags the groups; returns policy group id → new security group id. */
  async createGroups(
    wanted: readonly { group: PolicyGroup; projectId: string }[],
  ): Promise<Map<string, string>> {
    const made = new Map<string, string>();
    await eachLimit(this.take(wanted, 2), this.o.concurrency, async ({ group, projectId }) => {
      let sg: securityGroups.SecurityGroup | undefined;
      try {
        sg = await securityGroups.create(this.net, {
          name: groupName(group.tag),
          description: group.id,
          project_id: projectId,
        });
        this.report.writes++;
        await tags.add(this.net, 'security-groups', sg.id, this.o.groupTag);
        this.report.writes++;
        made.set(group.id, sg.id);
        this.report.groups.created++;
        this.log.info({ group: group.id, sg: sg.id, project: projectId }, 'policy group created in Neutron');
      } catch (e) {
        // untagged, the group would be invisible to every later pass: undo it
        if (sg) await securityGroups.removeIfExists(this.net, sg.id).catch(() => undefined);
        this.fail(`create security group for ${group.id}`, e);
      }
    });
    return made;
  }

  /** `projectOf` (security group id → project): a rule belongs to its group's project, not to the admin's. */
  async createRules(wanted: readonly RuleShape[], projectOf: ReadonlyMap<string, string>): Promise<void> {
    const body = (r: RuleShape) => {
      const project_id = projectOf.get(r.security_group_id);
      return { ...r, direction: 'ingress' as const, ...(project_id ? { project_id } : {}) };
    };
    // Neutron takes a bulk create for one security group only ("one security profile at a time")
    const bySg = new Map<string, RuleShape[]>();
    for (const r of this.take(wanted)) {
      const list = bySg.get(r.security_group_id);
      if (list) list.push(r);
      else bySg.set(r.security_group_id, [r]);
    }
    const chunks: RuleShape[][] = [];
    for (const list of bySg.values())
      for (let i = 0; i < list.length; i += BULK) chunks.push(list.slice(i, i + BULK));
    await eachLimit(chunks, this.o.concurrency, async (chunk) => {
      try {
        await rules.createMany(this.net, chunk.map(body));
        this.report.writes++;
        this.report.rules.created += chunk.length;
        for (const r of chunk) this.log.info({ rule: r }, 'policy rule created');
      } catch (e) {
        if (!(e instanceof ConflictError) || chunk.length === 1) {
          if (e instanceof ConflictError) return this.present();
          return this.fail(`create ${chunk.length} rules`, e);
        }
        // one of them exists already (all-or-none refused the chunk): one by one, 409 = present
        for (const r of chunk) await this.createOne(body(r));
      }
    });
  }

  private present(): void {
    this.report.rules.present++;
  }

  private async createOne(r: rules.CreateSecurityGroupRuleOpts): Promise<void> {
    try {
      await rules.create(this.net, r);
      this.report.writes++;
      this.report.rules.created++;
      this.log.info({ rule: r }, 'policy rule created');
    } catch (e) {
      if (e instanceof ConflictError) this.present();
      else this.fail(`create rule on ${r.security_group_id}`, e);
    }
  }

  async deleteRules(found: readonly ObservedRule[], why: 'extra' | 'duplicate'): Promise<void> {
    await eachLimit(this.take(found), this.o.concurrency, async (r) => {
      try {
        await rules.removeIfExists(this.net, r.id);
        this.report.writes++;
        if (why === 'extra') this.report.rules.deleted++;
        else this.report.rules.duplicates++;
        this.log.info(
          { rule: r },
          why === 'extra' ? 'extra policy rule deleted' : 'duplicate policy rule deleted',
        );
      } catch (e) {
        this.fail(`delete rule ${r.id}`, e);
      }
    });
  }

  /** Deletes the groups no port uses; the others are reported as kept. */
  async retireGroups(retire: readonly ObservedGroup[], inUse: ReadonlySet<string>): Promise<void> {
    const kept = retire.filter((sg) => inUse.has(sg.id));
    for (const sg of kept)
      this.report.groups.kept.push({ id: sg.id, name: sg.name, group_id: sg.description });
    if (kept.length)
      this.log.info({ kept: kept.map((sg) => sg.id) }, 'groups of deleted apps kept: ports use them');
    const free = retire.filter((sg) => !inUse.has(sg.id));
    await eachLimit(this.take(free), this.o.concurrency, async (sg) => {
      try {
        await securityGroups.removeIfExists(this.net, sg.id);
        this.report.writes++;
        this.report.groups.deleted++;
        this.log.info(
          { sg: sg.id, name: sg.name, group: sg.description },
          'policy group deleted from Neutron',
        );
      } catch (e) {
        // a port took it since the check (409 in use): kept, next pass looks again
        if (e instanceof ConflictError)
          this.report.groups.kept.push({ id: sg.id, name: sg.name, group_id: sg.description });
        else this.fail(`delete security group ${sg.id}`, e);
      }
    });
  }
}
