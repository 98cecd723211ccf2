/**
 * A stand-in for openstack-port-daemon in the thin plugin's tests until the real daemon is merged (tests
 * only): it speaks protocol.ts and does the Neutron part for real, on the lab, as lab-admin. Ports are
 * bound to this host, keyed by (container id, ifname, network) and idempotent per key; the answer carries
 * the subnets' CIDR prefix, gateway, host routes and DNS and the network's MTU. `close` deletes every
 * port it still holds. Set OSNET_CNI_TEST_SOCKET to run the same tests against a real daemon instead.
 */
import { hostname } from 'node:os';
import type {
  AddRequest,
  AttachmentKey,
  CheckRequest,
  GcRequest,
  PortInfo,
  PortIp,
  PortRoute,
} from '../../cni/protocol.ts';
import { NotFoundError } from '../../openstack/client/errors.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { DaemonAnswer, type ProtocolServer, startProtocolServer } from './protocol-server.ts';

interface NeutronPort {
  id: string;
  mac_address: string;
  network_id: string;
  status: string;
  'binding:host_id': string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}
interface NeutronSubnet {
  id: string;
  cidr: string;
  ip_version: 4 | 6;
  gateway_ip: string | null;
  host_routes: { destination: string; nexthop: string }[];
  dns_nameservers: string[];
}

const keyOf = (k: AttachmentKey) => `${k.network_id}/${k.container_id}/${k.ifname}`;

export interface LabPortDaemon extends ProtocolServer {
  /** Port id of each attachment it holds. */
  ports: Map<string, string>;
}

export async function startLabPortDaemon(net: ServiceClient): Promise<LabPortDaemon> {
  const ports = new Map<string, string>();
  const host = hostname();

  async function info(port: NeutronPort, existing: boolean, mtuOverride?: number): Promise<PortInfo> {
    const { body: n } = await net.get<{ network: { mtu: number } }>(`networks/${port.network_id}`);
    const ips: PortIp[] = [];
    const routes: PortRoute[] = [];
    const nameservers: string[] = [];
    for (const f of port.fixed_ips) {
      const { body } = await net.get<{ subnet: NeutronSubnet }>(`subnets/${f.subnet_id}`);
      const s = body.subnet;
      ips.push({
        address: `${f.ip_address}/${s.cidr.split('/')[1]}`,
        ...(s.gateway_ip ? { gateway: s.gateway_ip } : {}),
        subnet_id: s.id,
        version: s.ip_version,
      });
      if (s.gateway_ip) routes.push({ dst: s.ip_version === 6 ? '::/0' : '0.0.0.0/0', gw: s.gateway_ip });
      for (const r of s.host_routes) routes.push({ dst: r.destination, gw: r.nexthop });
      for (const d of s.dns_nameservers) if (!nameservers.includes(d)) nameservers.push(d);
    }
    return {
      port_id: port.id,
      network_id: port.network_id,
      mac: port.mac_address,
      mtu: mtuOverride ?? n.network.mtu,
      ips,
      routes,
      dns: { nameservers },
      existing,
    };
  }

  async function getPort(id: string): Promise<NeutronPort | undefined> {
    try {
      return (await net.get<{ port: NeutronPort }>(`ports/${id}`)).body.port;
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  async function release(k: string): Promise<boolean> {
    const id = ports.get(k);
    if (id === undefined) return false;
    try {
      await net.delete(`ports/${id}`);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    ports.delete(k);
    return true;
  }

  const server = await startProtocolServer({
    '/add': async (b) => {
      const r = b as unknown as AddRequest;
      const k = keyOf(r);
      const had = ports.get(k);
      const existing = had === undefined ? undefined : await getPort(had);
      if (existing) return info(existing, true, r.mtu);
      const { body } = await net.post<{ port: NeutronPort }>('ports', {
        body: {
          port: {
            name: `osnet-t-${r.container_id.slice(0, 12)}-${r.ifname}`,
            network_id: r.network_id,
            device_owner: 'compute:osnet-test',
            device_id: r.pod?.uid ?? r.container_id,
            'binding:host_id': host,
            ...(r.subnet_id ? { fixed_ips: [{ subnet_id: r.subnet_id }] } : {}),
            ...(r.mac ? { mac_address: r.mac } : {}),
            ...(r.security_group_ids ? { security_groups: r.security_group_ids } : {}),
          },
        },
      });
      ports.set(k, body.port.id);
      return info(body.port, false, r.mtu);
    },
    '/del': async (b) => ({ released: await release(keyOf(b as unknown as AttachmentKey)), queued: false }),
    '/check': async (b) => {
      const r = b as unknown as CheckRequest;
      const id = ports.get(keyOf(r));
      const port = id === undefined ? undefined : await getPort(id);
      const fail = (cni: number, message: string): never => {
        throw new DaemonAnswer(cni === 3 ? 404 : 409, { code: 'OSNET_ERR_NOT_FOUND', message, cni });
      };
      if (!port) return fail(3, `no port for ${keyOf(r)}`);
      if (port['binding:host_id'] !== host)
        fail(100, `port ${port.id} is bound to ${port['binding:host_id']}`);
      if (r.mac && r.mac !== port.mac_address)
        fail(100, `port ${port.id} has MAC ${port.mac_address}, not ${r.mac}`);
      const have = port.fixed_ips.map((f) => f.ip_address).sort();
      const want = (r.ips ?? []).map((a) => a.split('/')[0]!).sort();
      if (have.join() !== want.join())
        fail(100, `port ${port.id} has IPs ${have.join()}, not ${want.join()}`);
      return { port_id: port.id };
    },
    '/gc': async (b) => {
      const r = b as unknown as GcRequest;
      const keep = new Set(r.valid_attachments.map((a) => `${r.network_id}/${a.containerID}/${a.ifname}`));
      const released: string[] = [];
      for (const [k, id] of [...ports]) {
        if (k.startsWith(`${r.network_id}/`) && !keep.has(k)) {
          await release(k);
          released.push(id);
        }
      }
      return { released };
    },
    '/status': () => ({ ready: true, keystone: true, neutron: true }),
  });
  return {
    ...server,
    ports,
    async close() {
      for (const k of [...ports.keys()]) await release(k).catch(() => undefined);
      await server.close();
    },
  };
}
