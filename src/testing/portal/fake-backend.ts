/**
 * Fakes of the engine's OpenStack side, for the faults a real cloud cannot be made to produce on demand
 * (a create that hangs mid-call, a 503 on the next call, one kind whose list fails): an in-memory
 * KindBackend and TenantBackend over one `FakeCloud`, and a fake ProviderAccess. Creates are idempotent
 * by marker, as the contract requires, and counted, so a test tells a resumed create from a duplicate.
 * The real backends are tested against the lab.
 *
 * @example
 *   const cloud = new FakeCloud();
 *   const nets = fakeKindBackend(cloud, 'networks');
 *   cloud.failNext('networks.create', serviceUnavailable()); // the next create throws a 503
 */
import { BadRequestError, type Cloud, ServiceUnavailableError } from '../../openstack/index.ts';
import type {
  BackendRecord,
  KindBackend,
  ProviderSettings,
  TenantBackend,
  TenantScope,
} from '../../portal/backend/contract.ts';
import type { ProviderAccess } from '../../portal/jobs/engine.ts';

export interface FakeObject extends BackendRecord {
  kind: string;
  project: string;
  marker: string;
}

let ids = 0;
const nextId = (p: string) => `${p}-${process.pid}-${++ids}`;

export function serviceUnavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError({
    status: 503,
    method: 'POST',
    url: 'http://fake/v2.0/networks',
    requestId: 'req-fake-503',
    serviceMessage: 'fake: service unavailable',
  });
}

export function badRequest(): BadRequestError {
  return new BadRequestError({
    status: 400,
    method: 'POST',
    url: 'http://fake/v2.0/networks',
    requestId: 'req-fake-400',
    serviceMessage: 'fake: invalid mtu',
  });
}

export class FakeCloud {
  readonly objects = new Map<string, FakeObject>();
  readonly projects = new Map<
    string,
    { name: string; description: string; marker: string; quotas: Record<string, number> }
  >();
  /** Calls per `<kind>.<op>`. */
  readonly calls = new Map<string, number>();
  /** Most calls per op running at the same time. */
  readonly maxConcurrent = new Map<string, number>();
  readonly #running = new Map<string, number>();
  readonly #queued = new Map<string, Error[]>();
  readonly #always = new Map<string, Error>();
  readonly #holds = new Map<string, { gate: Promise<void>; entered: number }>();

  /** The next `times` calls of `op` throw `err`. */
  failNext(op: string, err: Error, times = 1): void {
    const q = this.#queued.get(op) ?? [];
    for (let i = 0; i < times; i++) q.push(err);
    this.#queued.set(op, q);
  }
  /** Every call of `op` throws `err` until `clear(op)`. */
  failAlways(op: string, err: Error): void {
    this.#always.set(op, err);
  }
  clear(op: string): void {
    this.#always.delete(op);
    this.#queued.delete(op);
  }
  /** Calls of `op` wait until the returned function is called. */
  hold(op: string): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    this.#holds.set(op, { gate, entered: 0 });
    return () => {
      this.#holds.delete(op);
      release();
    };
  }
  /** Resolves once `n` calls of `op` wait in its hold. */
  async held(op: string, n = 1): Promise<void> {
    while ((this.#holds.get(op)?.entered ?? 0) < n) await new Promise((r) => setTimeout(r, 5));
  }
  of(kind: string, project?: string): FakeObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind && (!project || o.project === project));
  }
  count(op: string): number {
    return this.calls.get(op) ?? 0;
  }

  /** Counts the call and applies holds and injected failures. */
  async enter(op: string): Promise<() => void> {
    this.calls.set(op, this.count(op) + 1);
    const n = (this.#running.get(op) ?? 0) + 1;
    this.#running.set(op, n);
    this.maxConcurrent.set(op, Math.max(this.maxConcurrent.get(op) ?? 0, n));
    const leave = () => this.#running.set(op, (this.#running.get(op) ?? 1) - 1);
    try {
      const h = this.#holds.get(op);
      if (h) {
        h.entered++;
        await h.gate;
      }
      const always = this.#always.get(op);
      if (always) throw always;
      const q = this.#queued.get(op);
      if (q && q.length > 0) throw q.shift()!;
    } catch (err) {
      leave();
      throw err;
    }
    return leave;
  }
}

const record = (o: FakeObject): BackendRecord => ({
  backend_id: o.backend_id,
  name: o.name,
  description: o.description,
  fields: o.fields,
  parent_backend_id: o.parent_backend_id,
  runtime_state: o.runtime_state,
  marker: o.marker,
});

/**
 * A kind whose objects are `{name, description, ...fields}`; `parentField` names the spec field holding a
 * parent's backend id (a subnet's `network`).
 */
export function fakeKindBackend(
  cloud: FakeCloud,
  kind: string,
  o: { parentField?: string } = {},
): KindBackend {
  const call = async <T>(op: string, fn: () => T | Promise<T>): Promise<T> => {
    const leave = await cloud.enter(`${kind}.${op}`);
    try {
      return await fn();
    } finally {
      leave();
    }
  };
  return {
    kind,
    list: (scope) => call('list', () => cloud.of(kind, scope.projectId).map(record)),
    create: (scope, spec, marker) =>
      call('create', () => {
        const found = cloud.of(kind, scope.projectId).find((x) => x.marker === marker);
        if (found) return { record: record(found) };
        const { name, description, ...fields } = spec as { name?: string; description?: string };
        const obj: FakeObject = {
          kind,
          project: scope.projectId,
          marker,
          backend_id: nextId(kind),
          name: name ?? '',
          description: description ?? '',
          fields,
          runtime_state: 'ACTIVE',
          parent_backend_id: o.parentField ? String(fields[o.parentField as keyof typeof fields]) : undefined,
        };
        cloud.objects.set(obj.backend_id, obj);
        return { record: record(obj) };
      }),
    update: (_scope, id, patch) =>
      call('update', () => {
        const obj = cloud.objects.get(id);
        if (!obj) throw badRequest();
        const { name, description, ...fields } = patch as { name?: string; description?: string };
        if (name !== undefined) obj.name = name;
        if (description !== undefined) obj.description = description;
        obj.fields = { ...obj.fields, ...fields };
        return record(obj);
      }),
    delete: (_scope, id) =>
      call('delete', () => {
        cloud.objects.delete(id);
      }),
    actions: {
      set_mtu: (_scope, id, body) =>
        call('set_mtu', () => {
          const obj = cloud.objects.get(id);
          if (!obj) throw badRequest();
          obj.fields = { ...obj.fields, mtu: body.mtu };
          return record(obj);
        }),
    },
  };
}

export function fakeTenantBackend(cloud: FakeCloud): TenantBackend {
  const call = async <T>(op: string, fn: () => T | Promise<T>): Promise<T> => {
    const leave = await cloud.enter(`tenants.${op}`);
    try {
      return await fn();
    } finally {
      leave();
    }
  };
  const projectRecord = (id: string): BackendRecord => {
    const p = cloud.projects.get(id)!;
    return { backend_id: id, name: p.name, description: p.description, fields: {}, marker: p.marker };
  };
  return {
    create: (_c, _p, spec, marker, report) =>
      call('create', async () => {
        await report('project');
        let id = [...cloud.projects.entries()].find(([, p]) => p.marker === marker)?.[0];
        if (!id) {
          id = nextId('project');
          cloud.projects.set(id, {
            name: spec.project_name,
            description: spec.description,
            marker,
            quotas: { ...spec.quotas },
          });
        }
        await report('network');
        const r = projectRecord(id);
        return {
          record: {
            ...r,
            fields: { user_username: spec.user_username, internal_network_id: `net-of-${id}` },
          },
          secrets: { password: `pw-${id}` },
        };
      }),
    delete: (scope, report) =>
      call('delete', async () => {
        await report('resources');
        for (const [k, o] of cloud.objects) if (o.project === scope.projectId) cloud.objects.delete(k);
        await report('project');
        cloud.projects.delete(scope.projectId);
      }),
    setQuotas: (scope, quotas) =>
      call('setQuotas', () => {
        const p = cloud.projects.get(scope.projectId);
        if (p) Object.assign(p.quotas, quotas);
      }),
    pullQuotas: (scope) =>
      call('pullQuotas', () => {
        const p = cloud.projects.get(scope.projectId);
        const usage = { network_count: cloud.of('networks', scope.projectId).length };
        return { limits: { ...(p?.quotas ?? {}) }, usage };
      }),
    update: (scope, patch) =>
      call('update', () => {
        const p = cloud.projects.get(scope.projectId);
        if (!p) throw badRequest();
        if (patch.name !== undefined) p.name = patch.name;
        if (patch.description !== undefined) p.description = patch.description;
        return projectRecord(scope.projectId);
      }),
    changePassword: (scope) => call('changePassword', () => ({ password: `pw-${scope.projectId}-${++ids}` })),
    get: (scope) =>
      call('get', () => (cloud.projects.has(scope.projectId) ? projectRecord(scope.projectId) : undefined)),
  };
}

export const FAKE_SETTINGS: ProviderSettings = {
  backend_url: 'http://fake:5000/v3',
  username: 'admin',
  password: 'fake-password',
  tenant_name: 'admin',
  domain: 'Default',
  external_network_id: '',
  verify_ssl: true,
  availability_zone: '',
  default_internal_network_mtu: 0,
  storage_mode: 'fixed',
  access_url: '',
  api_timeout: 60,
};

/** Providers by uuid; `service_settings`/`offering` references are the provider's uuid. */
export function fakeProviders(
  uuids: string[],
  o: { showCredentials?: boolean; customerOf?: Record<string, string> } = {},
): ProviderAccess {
  return {
    async connect(uuid) {
      if (!uuids.includes(uuid)) throw new Error(`fake: no provider ${uuid}`);
      return { cloud: {} as Cloud, settings: FAKE_SETTINGS };
    },
    async resolve(ref) {
      const uuid = /([0-9a-f]{32})\/?$/.exec(ref)?.[1];
      if (!uuid || !uuids.includes(uuid)) return undefined;
      return { provider_uuid: uuid, offering_uuid: null, customer_uuid: o.customerOf?.[uuid] ?? null };
    },
    async credentialsVisible() {
      return o.showCredentials ?? false;
    },
  };
}

/** A tenant scope over the fake (the cloud object is never used by the fakes). */
export function fakeScope(projectId: string): TenantScope {
  return { cloud: {} as Cloud, provider: FAKE_SETTINGS, projectId };
}
