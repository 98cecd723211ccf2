/**
 * The pod path's policy step: an ADD naming an app (`policy_group_id`) gets the app's membership security
 * group on its port, and only once Neutron carries the app's current policies (as Cloud Foundry's wrapper
 * forces a policy sync before the app starts). The daemon asks the policy server's internal API (mutual
 * TLS) for the app's tag (registering the app when new) and its policies, then reads Neutron until the
 * group `osnet-app-<tag>` and each policy's rules are there. It never writes them: the server's reconciler
 * is the one writer. Groups the daemon's project cannot see (an app of another project) are not waited for.
 *
 * @example
 *   const pg = new PolicyGroups({ client, net, log, waitMs: 30_000 });
 *   const req2 = await withPolicyGroup(req, pg); // security_group_ids: the config's + the app's
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddRequest } from '../cni/protocol.ts';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import * as rules from '../openstack/networking/v2/security-group-rules/index.ts';
import * as securityGroups from '../openstack/networking/v2/security-groups/index.ts';
import type { InternalPolicy, PolicyClient } from '../policy/client.ts';
import '../policy/enforce/error-codes.ts';
import { groupName, policyRules, ruleKey } from '../policy/enforce/naming.ts';

export interface PolicyGroupsOptions {
  client: PolicyClient;
  net: ServiceClient;
  log: Logger;
  /** How long ADD waits for Neutron to carry the policies (default 30 s). */
  waitMs?: number;
  /** Between two looks at Neutron (default 250 ms). */
  pollMs?: number;
}

interface Look {
  sg: string | undefined;
  missing: string[];
}

export class PolicyGroups {
  private readonly o: PolicyGroupsOptions;

  constructor(o: PolicyGroupsOptions) {
    this.o = o;
  }

  /** One look at Neutron: the app's group, and the policies whose rules are not (all) there yet. */
  private async look(group: string, tag: string, policies: InternalPolicy[]): Promise<Look> {
    const { net } = this.o;
    const tags = new Map<string, string>([[tag, group]]);
    for (const p of policies) {
      tags.set(p.source.tag, p.source.id);
      tags.set(p.destination.tag, p.destination.id);
    }
    const found = await collect(
      securityGroups.list(net, {
        names: [...tags.keys()].map(groupName),
        fields: ['id', 'name', 'description'],
      }),
    );
    // tags are reused after a group is gone: the description (the group id) says whose group it is
    const sgOf = new Map<string, string>();
    for (const [t, id] of tags) {
      const sg = found.find((s) => s.name === groupName(t) && s.description === id);
      if (sg) sgOf.set(id, sg.id);
    }
    const sg = sgOf.get(group);
    if (!sg) return { sg, missing: [`security group ${groupName(tag)}`] };
    const dsts = [...new Set(policies.map((p) => sgOf.get(p.destination.id)).filter((x) => x !== undefined))];
    const have = new Set<string>();
    if (dsts.length)
      for await (const r of rules.list(net, { security_group_id: dsts, direction: 'ingress' }))
        have.add(ruleKey(r));
    const missing: string[] = [];
    for (const p of policies) {
      const dst = sgOf.get(p.destination.id);
      const src = sgOf.get(p.source.id);
      if (!dst || !src) {
        this.o.log.debug({ policy: p }, 'policy of a group this project cannot see: not waited for');
        continue;
      }
      const want = policyRules(dst, src, p.destination.protocol, p.destination.ports);
      if (!want.every((r) => have.has(ruleKey(r))))
        missing.push(
          `${p.source.id} → ${p.destination.id} ${p.destination.protocol} ${p.destination.ports.start}-${p.destination.ports.end}`,
        );
    }
    return { sg, missing };
  }

  /** The app's security group id, once Neutron carries its current policies. */
  async securityGroupFor(group: string): Promise<string> {
    const { client, log } = this.o;
    const waitMs = this.o.waitMs ?? 30_000;
    const pollMs = this.o.pollMs ?? 250;
    const t0 = Date.now();
    const { tag } = await client.tag(group);
    const { policies } = await client.policies([group]);
    let last: Look;
    for (;;) {
      last = await this.look(group, tag, policies);
      if (last.sg && last.missing.length === 0) {
        log.info(
          { group, tag, sg: last.sg, policies: policies.length, ms: Date.now() - t0 },
          'app policies in Neutron',
        );
        return last.sg;
      }
      if (Date.now() - t0 + pollMs > waitMs) break;
      await sleep(pollMs);
    }
    throw new OsnetError(
      'OSNET_ERR_POLICY_NOT_ENFORCED',
      `policy group ${group}: after ${Math.round(waitMs / 1000)} s Neutron still lacks ${last.missing.slice(0, 5).join('; ')}${last.missing.length > 5 ? ` and ${last.missing.length - 5} more` : ''} (is the policy server's reconciler running, with this daemon's project as its default?)`,
      { field: 'policy_group_id' },
    );
  }
}

/**
 * The request with the app's group added to the config's security groups (instead of the project's default
 * group Neutron would pick); unchanged without `policy_group_id`.
 */
export async function withPolicyGroup(req: AddRequest, pg: PolicyGroups | undefined): Promise<AddRequest> {
  const group = req.policy_group_id;
  if (group === undefined) return req;
  if (!pg)
    throw new OsnetError(
      'OSNET_ERR_POLICY_NOT_CONFIGURED',
      `policy_group_id ${group}: this daemon has no --policy-server, so the app's policies cannot be applied`,
      { field: 'policy_group_id' },
    );
  const sg = await pg.securityGroupFor(group);
  return { ...req, security_group_ids: [...new Set([...(req.security_group_ids ?? []), sg])] };
}
