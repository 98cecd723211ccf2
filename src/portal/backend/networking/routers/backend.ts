/**
 * The OpenStack side of `/api/openstack-routers/`: create (by marker, then by name among untagged routers),
 * delete, a list of two calls for the whole tenant (its routers, and its router-interface ports for
 * `fixed_ips` and `ports`), and the interface, gateway and static-route actions. Each action is safe to run
 * again: an interface already there, or already gone, is done.
 *
 * @example
 *   const { record } = await routersBackend.create(scope, { name: 'r' }, marker);
 *   await setRouterGateway(scope, record.backend_id, scope.provider.external_network_id);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../../../openstack/client/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import * as ports from '../../../../openstack/networking/v2/ports/index.ts';
import * as routers from '../../../../openstack/networking/v2/routers/index.ts';
import * as subnets from '../../../../openstack/networking/v2/subnets/index.ts';
import type { BackendRecord, KindBackend, TenantScope } from '../../contract.ts';
import { createOnce } from '../shared/marker.ts';
import { LIST_PAGE, neutron, requireOwn } from '../shared/scope.ts';
import { routerRecord } from './fields.ts';
import { checkInterface, checkRoutes } from './schemas.ts';

export interface RouterSpec {
  name: string;
  description?: string;
}
/** An interface body as the engine hands it over: backend ids of a subnet or a port. */
export interface InterfaceBody {
  subnet?: string;
  port?: string;
}

const INTERFACE_OWNER = 'network:router_interface';

async function record(net: ServiceClient, r: routers.Router): Promise<BackendRecord> {
  const mine = await collect(ports.list(net, { device_id: r.id, device_owner: INTERFACE_OWNER }));
  return routerRecord(r, mine);
}

async function current(scope: TenantScope, id: string): Promise<BackendRecord> {
  const net = await neutron(scope);
  return record(net, await routers.get(net, id));
}

/** Creates the router once per marker (the tenant backend's router uses this too). */
export async function createRouter(
  scope: TenantScope,
  spec: RouterSpec,
  marker: string,
): Promise<BackendRecord> {
  const net = await neutron(scope);
  const r = await createOnce(net, 'routers', {
    marker,
    fallback: spec.name ? { names: [spec.name] } : undefined,
    find: (f) => routers.list(net, { project_id: scope.projectId, ...f }),
    create: () =>
      routers.create(net, {
        project_id: scope.projectId,
        name: spec.name,
        description: spec.description ?? '',
      }),
  });
  return record(net, r);
}

function target(body: InterfaceBody): routers.InterfaceOpts {
  checkInterface(body as Record<string, unknown>);
  return body.subnet !== undefined ? { subnet_id: body.subnet } : { port_id: body.port! };
}

/** Attaches a subnet or a port; one already attached to this router is done. */
export async function addRouterInterface(scope: TenantScope, id: string, body: InterfaceBody): Promise<void> {
  const opts = target(body);
  const net = await neutron(scope);
  if (opts.subnet_id !== undefined) requireOwn(scope, await subnets.get(net, opts.subnet_id), 'body.subnet');
  else requireOwn(scope, await ports.get(net, opts.port_id!), 'body.port');
  try {
    await routers.addInterface(net, id, opts);
  } catch (e) {
    if (!(e instanceof BadRequestError || e instanceof ConflictError)) throw e;
    if (opts.subnet_id !== undefined && /already has a port/i.test(e.serviceMessage ?? '')) return;
    if (opts.port_id !== undefined && (await ports.get(net, opts.port_id)).device_id === id) return;
    throw e;
  }
}

/** Detaches a subnet or a port; one not attached is done. */
export async function removeRouterInterface(
  scope: TenantScope,
  id: string,
  body: InterfaceBody,
): Promise<void> {
  const opts = target(body);
  try {
    await routers.removeInterface(await neutron(scope), id, opts);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
}

/** Sets the external gateway to `networkId`, or removes it (null or ''). */
export async function setRouterGateway(
  scope: TenantScope,
  id: string,
  networkId: string | null,
): Promise<void> {
  const net = await neutron(scope);
  if (networkId) await routers.setGateway(net, id, { network_id: networkId });
  else await routers.clearGateway(net, id);
}

function gatewayOf(scope: TenantScope, body: Record<string, unknown>): string | null {
  if (body.external_network_id !== undefined) return body.external_network_id as string | null;
  if (!scope.provider.external_network_id) {
    throw new OsnetError(
      'OSNET_ERR_PORTAL_STATE',
      'set_gateway: the provider has no external network; give external_network_id',
      { field: 'body.external_network_id' },
    );
  }
  return scope.provider.external_network_id;
}

const add: NonNullable<KindBackend['actions']>[string] = async (scope, id, body) => {
  await addRouterInterface(scope, id, body as InterfaceBody);
  return current(scope, id);
};
const remove: NonNullable<KindBackend['actions']>[string] = async (scope, id, body) => {
  await removeRouterInterface(scope, id, body as InterfaceBody);
  return current(scope, id);
};

export const routersBackend: KindBackend<RouterSpec> = {
  kind: 'routers',
  async list(scope) {
    const net = await neutron(scope);
    const q = { project_id: scope.projectId, limit: LIST_PAGE };
    const [all, interfaces] = await Promise.all([
      collect(routers.list(net, q)),
      collect(ports.list(net, { ...q, device_owner: INTERFACE_OWNER })),
    ]);
    return all.map((r) => routerRecord(r, interfaces));
  },
  async create(scope, spec, marker) {
    return { record: await createRouter(scope, spec, marker) };
  },
  async delete(scope, backendId) {
    const net = await neutron(scope);
    // Neutron refuses to delete a router with interfaces: take them off first (a retry finds fewer)
    for (const p of await collect(ports.list(net, { device_id: backendId, device_owner: INTERFACE_OWNER }))) {
      await removeRouterInterface(scope, backendId, { port: p.id });
    }
    await routers.removeIfExists(net, backendId);
  },
  actions: {
    add_interface: add,
    remove_interface: remove,
    add_router_interface: add,
    remove_router_interface: remove,
    async set_gateway(scope, id, body) {
      await setRouterGateway(scope, id, gatewayOf(scope, body));
      return current(scope, id);
    },
    async set_external_gateway(scope, id, body) {
      await setRouterGateway(scope, id, body.external_network_id as string);
      return current(scope, id);
    },
    async remove_external_gateway(scope, id) {
      await setRouterGateway(scope, id, null);
      return current(scope, id);
    },
    async set_routes(scope, id, body) {
      checkRoutes(body);
      const net = await neutron(scope);
      const routes = body.routes as routers.Route[];
      return record(net, await routers.update(net, id, { routes }));
    },
  },
};
