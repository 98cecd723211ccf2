/**
 * The wire contract between the thin plugin (`openstack-port-cni`) and the node daemon
 * (`openstack-port-daemon`): HTTP/1.1 with JSON bodies over the daemon's Unix socket, as seed 000's
 * implementation speaks it (`POST /add`, `/del`, `/check`), plus `/gc` and `/status` for CNI 1.1.0.
 * Types only: both sides import this file, the thin side without pulling anything else in.
 *
 * An attachment is keyed by (container_id, ifname, network_id): two interfaces of one pod on one network
 * get two ports, and a retried ADD for the same key gets the same port.
 *
 * Errors: any non-2xx answer carries a `DaemonError` body; the thin side turns it into the CNI error
 * (`cni` code) for the runtime's version.
 *
 * @example
 *   POST /add  {"container_id":"c1","ifname":"eth0","netns":"/run/netns/p1","network_id":"…"}
 *   200        {"port_id":"…","mac":"fa:16:3e:…","mtu":1442,"ips":[{"address":"10.0.0.5/24",…}],…}
 */

export const PROTOCOL_ROUTES = {
  add: '/add',
  del: '/del',
  check: '/check',
  gc: '/gc',
  status: '/status',
} as const;

/** Who the attachment is for (K8S_POD_* from CNI_ARGS, or podman/CF equivalents). */
export interface PodRef {
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface AttachmentKey {
  container_id: string;
  ifname: string;
  network_id: string;
}

export interface AddRequest extends AttachmentKey {
  /** CNI_NETNS as given (informational: the daemon does not enter it). */
  netns?: string;
  subnet_id?: string;
  security_group_ids?: string[];
  /** Requested MAC / fixed IPs (runtimeConfig or args.cni `mac`/`ips`). */
  mac?: string;
  ips?: string[];
  pod?: PodRef;
  /** App identity for policy (seed 003: metadata.policy_group_id, or the label `policy_group_id`). */
  policy_group_id?: string;
  /** args.cni.labels as given (CONVENTIONS "labels"); added after the first version, optional. */
  labels?: { key: string; value: string }[];
  /** MTU override from the plugin config. */
  mtu?: number;
}

export interface PortIp {
  /** CIDR: address/prefix of the subnet. */
  address: string;
  gateway?: string;
  subnet_id: string;
  version: 4 | 6;
}

export interface PortRoute {
  dst: string;
  gw?: string;
}

/** What ADD returns: everything the delegate and the CNI result need, as Neutron has it. */
export interface PortInfo {
  port_id: string;
  network_id: string;
  mac: string;
  /** Neutron network.mtu, else host MTU minus encapsulation overhead, or the config's override. */
  mtu: number;
  ips: PortIp[];
  /** Subnet host routes (and the default route via each subnet's gateway). */
  routes: PortRoute[];
  dns: { nameservers: string[]; search?: string[]; domain?: string };
  /** true when this ADD found an existing port for the key (idempotent retry). */
  existing?: boolean;
}

export type AddResponse = PortInfo;

export interface DelRequest extends AttachmentKey {}

export interface DelResponse {
  /** The port was deleted now. */
  released: boolean;
  /** Neutron could not be reached: the release is in the durable outbox and retried. */
  queued: boolean;
}

export interface CheckRequest extends AttachmentKey {
  /** From prevResult: the MAC and CIDRs the runtime believes the attachment has. */
  mac?: string;
  ips?: string[];
}

export interface CheckResponse {
  port_id: string;
}

export interface GcRequest {
  network_id: string;
  /** cni.dev/valid-attachments: attachments that must be kept. */
  valid_attachments: { containerID: string; ifname: string }[];
}

export interface GcResponse {
  released: string[];
}

export interface StatusResponse {
  ready: boolean;
  keystone: boolean;
  neutron: boolean;
  message?: string;
}

/** Body of every non-2xx answer. */
export interface DaemonError {
  /** Stable OSNET_ERR_* code. */
  code: string;
  message: string;
  /** CNI error code for the runtime (1–7, 11, 50, 51, 100+). */
  cni: number;
  field?: string;
}
