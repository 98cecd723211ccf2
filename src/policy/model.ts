/**
 * The policy model and the store contract the policy server is built on (seed 003; the public v1 API of
 * Cloud Foundry's policy server, ../shared/research/anchors.md). Apps are policy groups: an id (a CF app
 * GUID, `namespace/app` for Kubernetes) with a tag of 4 hex digits, allocated once and never reused while
 * the group exists. A policy lets a source group reach a destination group on a protocol and port range.
 *
 * The HTTP layer (src/policy/api/) and the enforcement (src/policy/enforce/) see only this contract;
 * src/policy/store/ implements it over the shared query layer (src/store/), on the embedded store and on
 * PostgreSQL alike.
 */
export type Protocol = 'tcp' | 'udp';

export interface PortRange {
  start: number;
  end: number;
}

export interface PolicyGroup {
  id: string;
  /** 4 lower-case hex digits, `0001`..`ffff`. */
  tag: string;
  /** Keystone project that owns the group; null for groups registered through the internal API. */
  projectId: string | null;
}

/** A policy as callers write it (v1 shape: `ports{start,end}`; v0's single `port` is start = end). */
export interface Policy {
  source: string;
  destination: string;
  protocol: Protocol;
  ports: PortRange;
}

/** A stored policy with both groups resolved. */
export interface PolicyRecord extends Policy {
  sourceTag: string;
  destinationTag: string;
}

export interface PolicyFilter {
  /** Policies whose source OR destination is one of these (`?id=a,b`). */
  ids?: string[];
  sourceIds?: string[];
  destIds?: string[];
  /** Only policies whose groups (source and destination) belong to this project. */
  projectId?: string;
}

export interface PolicyStoreState {
  /** Bumped by every change that adds or removes a policy or group; the ETag of a list derives from it. */
  version: number;
  /** When `version` last changed (`policies_last_updated`). */
  lastUpdated: Date;
}

export interface PolicyRepo {
  /** Get or create each group; a new group gets a free tag and `projectId`. Order of the answer = order of `ids`. */
  ensureGroups(ids: string[], projectId?: string | null): Promise<PolicyGroup[]>;
  groups(filter?: { ids?: string[]; projectId?: string }): Promise<PolicyGroup[]>;
  /**
   * All or nothing, in one transaction: groups are ensured (with `projectId`), existing policies are no-ops.
   * Returns how many policies were new.
   */
  createPolicies(policies: Policy[], projectId?: string | null): Promise<{ created: number }>;
  /** All or nothing; a missing policy is not an error. Returns how many were removed. */
  deletePolicies(policies: Policy[]): Promise<{ deleted: number }>;
  listPolicies(filter?: PolicyFilter): Promise<PolicyRecord[]>;
  /** Deletes groups that no policy references and that are not in `keep`; returns their ids (tags become free). */
  pruneGroups(keep?: string[]): Promise<string[]>;
  state(): Promise<PolicyStoreState>;
  /** Throws when the store cannot answer (health). */
  check(): Promise<void>;
  close(): Promise<void>;
}
