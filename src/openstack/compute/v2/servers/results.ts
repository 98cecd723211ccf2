/**
 * The server as Nova (API v2.1) returns it; the portal issue fills in more attributes as it needs them.
 *
 * @example
 *   const s: Server = await servers.get(nova, id); // s.status: BUILD, ACTIVE, ERROR, SHUTOFF, ...
 */

/** Why a server is in ERROR (Nova shows it only then). */
export interface ServerFault {
  code: number;
  message: string;
  details?: string;
  created: string;
}

export interface ServerAddress {
  addr: string;
  version: 4 | 6;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

/** A Nova server. @example const s: Server = await servers.get(nova, id); */
export interface Server {
  id: string;
  name: string;
  /** BUILD, ACTIVE, ERROR, SHUTOFF, REBOOT, DELETED, ... */
  status: string;
  tenant_id: string;
  user_id: string;
  created: string;
  updated: string;
  /** The flavor: `{ id, links }` before 2.47, the flavor's details from 2.47 on. */
  flavor: Record<string, unknown>;
  /** `{ id, links }`, or "" for a server booted from a volume. */
  image: { id: string } | '';
  /** Addresses per network name. */
  addresses: Record<string, ServerAddress[]>;
  metadata: Record<string, string>;
  key_name: string | null;
  fault?: ServerFault;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-AZ:availability_zone'?: string;
  /** From microversion 2.26. */
  tags?: string[];
  /** From microversion 2.19. */
  description?: string | null;
}

/** The answer of a create: Nova builds the server asynchronously, so it is only the id and links. */
export interface CreatedServer {
  id: string;
  links: { href: string; rel: string }[];
  /** Absent when the cloud does not set admin passwords. */
  adminPass?: string;
  security_groups?: { name: string }[];
  'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
}
