/**
 * The resource layer: a resource is described once (paths, envelope keys, filters, typed create and update
 * bodies, checks) and gets get/list/listPage/create/createMany/update/remove/removeIfExists from this code,
 * whatever the service. Each service folder only says what differs (gophercloud keeps requests, results and
 * urls apart per resource; the calls themselves are written here once).
 *
 * @example
 *   const port = resource<Port, CreatePortOpts, UpdatePortOpts, ListPortsOpts>({
 *     name: 'port', plural: 'ports', collection: PORTS, item: portURL, update: NEUTRON_UPDATE,
 *   });
 *   export const { create, get, list, update, remove, removeIfExists } = port;
 */
import { OsnetError } from '../../lib/errors.ts';
import { registerSecret } from '../../lib/redact.ts';
import { NotFoundError, UnexpectedResponseError } from '../client/errors.ts';
import { paginate } from '../client/pagination.ts';
import type { ApiResponse, HttpMethod, QueryValue, ServiceClient } from '../client/service-client.ts';
import { toQuery } from './query.ts';
import type { Listed, ListPage, UpdateOptions } from './types.ts';
import { ifMatchHeaders, requireObject } from './validate.ts';

/** How a service takes an update. */
export interface UpdateStyle<U> {
  method: 'PUT' | 'PATCH';
  /** Neutron's revision check: `{ ifMatch: N }` is sent as `If-Match: revision_number=N`. */
  ifMatch?: boolean;
  /** The body to send for typed options (Glance's JSON patch); default `{ [name]: opts }`, or opts unenveloped. */
  body?: (opts: U) => unknown;
  /** Content type of that body (default application/json). */
  contentType?: string;
}

export interface ResourceSpec<U, F> {
  /** Singular name: the envelope key (`{"port": {...}}`) and the name of the body in errors. */
  name: string;
  /** Plural name: the list key (`{"ports": [...]}`) and the bulk-create envelope. */
  plural: string;
  /** Collection path relative to the service endpoint ('ports', 'users/<id>/application_credentials'). */
  collection: string;
  /** Path of one item; it checks the id (see ids.ts). */
  item: (id: string) => string;
  /** List path when it is not the collection (Nova's `servers/detail` returns whole servers). */
  listPath?: string;
  /** False when one item is sent and returned bare (Glance, Placement); default true. */
  envelope?: boolean;
  /** Filters to query parameters; default toQuery (OpenStack's filter conventions, validated). */
  query?: (filters: F | undefined) => Record<string, QueryValue>;
  /** Checks a create body; `path` names it in errors ('port', 'ports[2]'). */
  checkCreate?: (body: Record<string, unknown>, path: string) => void;
  /** Checks an update body. */
  checkUpdate?: (body: Record<string, unknown>, path: string) => void;
  /** Default: PUT `{ [name]: opts }` without a revision check. */
  update?: UpdateStyle<U>;
  /** Body and answer attributes that hold secrets ('password', 'secret'): registered for redaction. */
  secrets?: readonly string[];
  /**
   * How bad input (a bad id, a missing attribute) fails: 'rejects' (default) as the returned promise,
   * 'throws' at the call, before any promise exists, as osnet's Neutron calls always have.
   */
  badInput?: 'throws' | 'rejects';
}

/** No options object needed when every create attribute is optional (`networks.create(net)`). */
export type CreateArgs<C> = Partial<C> extends C ? [opts?: C] : [opts: C];

export interface Resource<T, C, U, F, R = T> {
  /** One item by id; NotFoundError when it does not exist or is not visible. */
  get(client: ServiceClient, id: string): Promise<T>;
  /** Every item matching the filters, paged lazily, following the service's next links. */
  list<G extends F | undefined = undefined>(
    client: ServiceClient,
    filters?: G,
  ): AsyncGenerator<Listed<T, G>, void, undefined>;
  /** One GET of the list, keeping `truncated` (Keystone cuts lists at its `list_limit` and has no marker). */
  listPage(client: ServiceClient, filters?: F): Promise<ListPage<T>>;
  create(client: ServiceClient, ...opts: CreateArgs<C>): Promise<R>;
  /** Bulk create in one POST of `{ [plural]: [...] }` (Neutron creates all or none). */
  createMany(client: ServiceClient, items: readonly C[]): Promise<R[]>;
  update(client: ServiceClient, id: string, opts: U, options?: UpdateOptions): Promise<T>;
  /** DELETE; NotFoundError when it is already gone. */
  remove(client: ServiceClient, id: string): Promise<void>;
  /** DELETE; false when it was already gone (404). */
  removeIfExists(client: ServiceClient, id: string): Promise<boolean>;
}

/**
 * The calls of one resource, from its description.
 *
 * @example
 *   const volume = resource<Volume, CreateVolumeOpts, UpdateVolumeOpts, ListVolumesOpts>({ ... });
 *   await volume.get(cinder, id);
 */
export function resource<T, C, U, F, R = T>(spec: ResourceSpec<U, F>): Resource<T, C, U, F, R> {
  const enveloped = spec.envelope !== false;
  const query = spec.query ?? ((f: F | undefined) => toQuery(f as object | undefined));
  const updateStyle: UpdateStyle<U> = spec.update ?? { method: 'PUT' };
  const listPath = spec.listPath ?? spec.collection;

  /** Runs the checks, then the request; a failed check throws or rejects as the spec says. */
  function call<X, Y>(check: () => X, send: (x: X) => Promise<Y>): Promise<Y> {
    if (spec.badInput === 'throws') return send(check());
    let checked: X;
    try {
      checked = check();
    } catch (e) {
      return Promise.reject(e);
    }
    return send(checked);
  }

  function secretsOf(obj: unknown): void {
    if (!spec.secrets || !obj || typeof obj !== 'object') return;
    for (const k of spec.secrets) {
      const v = (obj as Record<string, unknown>)[k];
      if (typeof v === 'string') registerSecret(v);
    }
  }

  function wrap(body: Record<string, unknown>): unknown {
    return enveloped ? { [spec.name]: body } : body;
  }

  function one<X>(res: ApiResponse<unknown>, method: HttpMethod, client: ServiceClient, path: string): X {
    const body = res.body as Record<string, unknown> | undefined;
    const inner = enveloped ? body?.[spec.name] : body;
    if (inner === undefined || inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      const why = enveloped
        ? `the answer has no "${spec.name}" object`
        : `the answer is not a ${spec.name} object`;
      throw unexpected(res, method, client, path, why);
    }
    secretsOf(inner);
    return inner as X;
  }

  function createBody(opts: unknown, path: string): Record<string, unknown> {
    const body = requireObject(opts ?? {}, path);
    spec.checkCreate?.(body, path);
    secretsOf(body);
    return body;
  }

  const api: Resource<T, C, U, F, R> = {
    get(client, id) {
      return call(
        () => spec.item(id),
        async (path) => one<T>(await client.get(path), 'GET', client, path),
      );
    },

    list<G extends F | undefined = undefined>(client: ServiceClient, filters?: G) {
      // the filters are checked now, so bad input fails at the call, before the first page is asked for
      return paginate<Listed<T, G>>(client, listPath, spec.plural, query(filters));
    },

    listPage(client, filters) {
      return call(
        () => query(filters),
        async (q) => {
          const res = await client.get<Record<string, unknown>>(listPath, { query: q });
          const items = res.body?.[spec.plural];
          if (!Array.isArray(items)) {
            throw unexpected(res, 'GET', client, listPath, `the answer has no "${spec.plural}" list`);
          }
          return { items: items as T[], truncated: res.body.truncated === true };
        },
      );
    },

    create(client, ...[opts]) {
      return call(
        () => createBody(opts, spec.name),
        async (body) => {
          const res = await client.post(spec.collection, { body: wrap(body) });
          return one<R>(res, 'POST', client, spec.collection);
        },
      );
    },

    createMany(client, items) {
      return call(
        () => {
          if (!Array.isArray(items) || items.length === 0) {
            throw new OsnetError('OSNET_ERR_VALIDATION', `${spec.plural}: must be a non-empty list`, {
              field: spec.plural,
            });
          }
          return items.map((item, i) => createBody(item, `${spec.plural}[${i}]`));
        },
        async (bodies) => {
          const res = await client.post(spec.collection, { body: { [spec.plural]: bodies } });
          const out = (res.body as Record<string, unknown> | undefined)?.[spec.plural];
          if (!Array.isArray(out) || out.length !== bodies.length) {
            const listed = Array.isArray(out) ? out.length : 'none';
            throw unexpected(
              res,
              'POST',
              client,
              spec.collection,
              `asked for ${bodies.length} ${spec.plural}, the answer lists ${listed}`,
            );
          }
          for (const o of out) secretsOf(o);
          return out as R[];
        },
      );
    },

    update(client, id, opts, options = {}) {
      return call(
        () => {
          const path = spec.item(id);
          const body = requireObject(opts, spec.name);
          spec.checkUpdate?.(body, spec.name);
          secretsOf(body);
          if (options.ifMatch !== undefined && !updateStyle.ifMatch) {
            throw new OsnetError(
              'OSNET_ERR_VALIDATION',
              `ifMatch: ${spec.name} updates have no revision check`,
              { field: 'ifMatch' },
            );
          }
          const headers: Record<string, string> = {
            ...(updateStyle.ifMatch ? ifMatchHeaders(options.ifMatch) : {}),
            ...(updateStyle.contentType ? { 'content-type': updateStyle.contentType } : {}),
          };
          return { path, headers, sent: updateStyle.body ? updateStyle.body(opts) : wrap(body) };
        },
        async ({ path, headers, sent }) => {
          const res = await client.request(updateStyle.method, path, { body: sent, headers });
          return one<T>(res, updateStyle.method, client, path);
        },
      );
    },

    remove(client, id) {
      return call(
        () => spec.item(id),
        async (path) => {
          await client.delete(path);
        },
      );
    },

    removeIfExists(client, id) {
      return call(
        () => spec.item(id),
        (path) =>
          removeIfGone(async () => {
            await client.delete(path);
          }),
      );
    },
  };
  return api;
}

/**
 * Runs a delete and reports whether something was deleted: false when it was already gone (404).
 *
 * @example
 *   const deleted = await removeIfGone(() => ports.remove(net, id));
 */
export async function removeIfGone(remove: () => Promise<void>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

/**
 * GET of one object at a path that is not an item of a collection (Neutron's quota details and defaults).
 *
 * @example
 *   const d = await getAt<QuotaDetails>(net, `quotas/${id}/details.json`, 'quota');
 */
export async function getAt<T>(client: ServiceClient, path: string, key: string): Promise<T> {
  const res = await client.get<Record<string, unknown>>(path);
  const inner = res.body?.[key];
  if (inner === undefined || inner === null || typeof inner !== 'object') {
    throw unexpected(res, 'GET', client, path, `the answer has no "${key}" object`);
  }
  return inner as T;
}

/** The error for an answer that is not what the call asked for. */
function unexpected(
  res: ApiResponse<unknown>,
  method: HttpMethod,
  client: ServiceClient,
  path: string,
  message: string,
): UnexpectedResponseError {
  return new UnexpectedResponseError({
    status: res.status,
    method,
    url: client.url(path),
    requestId: res.requestId,
    serviceMessage: message,
  });
}
