/**
 * Server calls (enough to prove the resource layer carries Nova; the portal issue adds actions). Use a
 * MicroversionClient (client/microversion.ts) for the features of later microversions, and
 * client/wait-for.ts to wait for ACTIVE or gone: Nova does both asynchronously.
 *
 * @example
 *   const nova = await microversionClient(cloud, 'compute', { min: '2.1', max: '2.79' });
 *   const { id } = await create(nova, { name: 'vm1', flavorRef, imageRef, networks: [{ uuid: netId }] });
 */
import { resource } from '../../../resource/resource.ts';
import type { SortDir, TagFilters } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import type { CreatedServer, Server } from './results.ts';
import { SERVERS, SERVERS_DETAIL, serverURL } from './urls.ts';

/** One NIC of a create: a network, a port, or a network with a fixed address. */
export interface ServerNetwork {
  uuid?: string;
  port?: string;
  fixed_ip?: string;
  /** From microversion 2.32. */
  tag?: string;
}

/** Request body of a server create (`{"server": {...}}`). */
export interface CreateServerOpts {
  name: string;
  flavorRef: string;
  /** Omitted when booting from a volume (block_device_mapping_v2). */
  imageRef?: string;
  /** 'auto' and 'none' from microversion 2.37. */
  networks?: ServerNetwork[] | 'auto' | 'none';
  security_groups?: { name: string }[];
  key_name?: string;
  metadata?: Record<string, string>;
  /** Base64. */
  user_data?: string;
  availability_zone?: string;
  block_device_mapping_v2?: Record<string, unknown>[];
  /** From microversion 2.52. */
  tags?: string[];
  /** From microversion 2.19. */
  description?: string;
}

/** Request body of a server update. */
export interface UpdateServerOpts {
  name?: string;
  /** From microversion 2.19. */
  description?: string | null;
  accessIPv4?: string;
  accessIPv6?: string;
}

/** Query filters of a server list (GET servers/detail); the tag filters from microversion 2.26. */
export interface ListServersOpts extends TagFilters {
  name?: string | undefined;
  status?: string | undefined;
  image?: string | undefined;
  flavor?: string | undefined;
  ip?: string | undefined;
  'changes-since'?: string | undefined;
  /** Admin: every project's servers. */
  all_tenants?: boolean | undefined;
  project_id?: string | undefined;
  sort_key?: keyof Server | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

/**
 * create (returns the id, links and adminPass; the server builds asynchronously), get, list (whole servers,
 * following `servers_links`), update, remove (asynchronous too), removeIfExists.
 *
 * @example
 *   for await (const s of list(nova, { status: 'ERROR', limit: 50 })) console.log(s.id, s.fault?.message);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Server,
  CreateServerOpts,
  UpdateServerOpts,
  ListServersOpts,
  CreatedServer
>({
  name: 'server',
  plural: 'servers',
  collection: SERVERS,
  listPath: SERVERS_DETAIL,
  item: serverURL,
  checkCreate(body, path) {
    requireString(body, 'name', path);
    requireString(body, 'flavorRef', path);
  },
  secrets: ['adminPass'],
});
