/**
 * How an attachment is named in Neutron. The key (container_id, ifname, network_id) hashes to a short id
 * that goes into the port's description at create time (Neutron keeps the description of a create body, but
 * the lab's Neutron drops its tags) and into a tag afterwards, so a port is found by tag once made and by
 * name, device_id and description while half-made.
 *
 * @example
 *   const k = keyId({ container_id: 'c1', ifname: 'eth0', network_id: n }); // '3f1c…' (24 hex)
 *   portTags(k, req, 'node1'); // ['osnet-cni-node=node1', 'osnet-cni-key=3f1c…', …]
 */
import { createHash } from 'node:crypto';
import type { AddRequest, AttachmentKey } from '../cni/protocol.ts';

/** device_owner of every port the daemon makes (documented in docs/cni.md). */
export const DEVICE_OWNER = 'compute:openstack-port-cni';
export const TAG_NODE = 'osnet-cni-node=';
export const TAG_KEY = 'osnet-cni-key=';
export const TAG_CONTAINER = 'osnet-cni-container=';
export const TAG_IFNAME = 'osnet-cni-ifname=';
export const TAG_POOL = 'osnet-cni-pool=';
/** Prefix of the description of an attachment's port: `osnet-cni attachment <key id>`. */
export const ATTACHMENT_MARK = 'osnet-cni attachment ';
export const POOL_MARK = 'osnet-cni pool ';

export function keyId(k: AttachmentKey): string {
  return createHash('sha256')
    .update(`${k.container_id}\0${k.ifname}\0${k.network_id}`)
    .digest('hex')
    .slice(0, 24);
}

/** The port name: namespace/pod/ifname for a pod, else cni/<container id, 12>/ifname. */
export function portName(req: AddRequest): string {
  const { pod } = req;
  if (pod?.namespace && pod.name) return `${pod.namespace}/${pod.name}/${req.ifname}`;
  return `cni/${req.container_id.slice(0, 12)}/${req.ifname}`;
}

/** device_id: the pod's UID, else the container id. */
export function deviceId(req: AddRequest): string {
  return req.pod?.uid || req.container_id;
}

export function attachmentTags(id: string, k: AttachmentKey, node: string): string[] {
  return [
    `${TAG_NODE}${node}`,
    `${TAG_KEY}${id}`,
    `${TAG_CONTAINER}${k.container_id}`,
    `${TAG_IFNAME}${k.ifname}`,
  ];
}

/** A pool is one (network, subnet or any, security-group set): its id hashes the three. */
export interface PoolKey {
  network_id: string;
  subnet_id: string;
  security_group_ids: string[];
}

export function poolKey(
  network_id: string,
  subnet_id: string | undefined,
  sgs: readonly string[] | undefined,
): PoolKey {
  return { network_id, subnet_id: subnet_id ?? '', security_group_ids: [...new Set(sgs ?? [])].sort() };
}

export function poolId(k: PoolKey): string {
  return createHash('sha256')
    .update(`${k.network_id}\0${k.subnet_id}\0${k.security_group_ids.join(',')}`)
    .digest('hex')
    .slice(0, 16);
}

export function tagValue(tags: readonly string[] | undefined, prefix: string): string | undefined {
  return tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}
