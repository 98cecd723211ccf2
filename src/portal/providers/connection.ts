/**
 * Checks a provider's settings against its cloud before they are stored (`?validate=false` skips it):
 * Keystone takes the credentials (a 400 naming `body.secret_options.password` or `.backend_url`
 * otherwise), the external network exists and is external, and in dynamic storage mode Cinder's volume
 * types are read (they become the offering's components).
 *
 * @example
 *   const { volumeTypes } = await checkConnection(settings, 'body');
 */
import { OsnetError } from '../../lib/errors.ts';
import * as volumeTypes from '../../openstack/blockstorage/v3/volume-types/index.ts';
import { NotFoundError } from '../../openstack/client/errors.ts';
import { collect } from '../../openstack/client/pagination.ts';
import type { Cloud } from '../../openstack/index.ts';
import { networks } from '../../openstack/networking/v2/index.ts';
import type { ProviderSettings } from '../backend/contract.ts';
import { openProviderCloud } from '../backend/provider-cloud.ts';

/** The names of the cloud's volume types (dynamic storage mode's components). */
export async function listVolumeTypes(cloud: Cloud): Promise<string[]> {
  const cinder = await cloud.service('block-storage');
  return (await collect(volumeTypes.list(cinder))).map((t) => t.name).sort();
}

export async function checkConnection(
  settings: ProviderSettings,
  prefix: string,
): Promise<{ volumeTypes: string[] | undefined }> {
  let cloud: Cloud;
  try {
    cloud = await openProviderCloud(settings);
  } catch (e) {
    if (e instanceof OsnetError && e.field)
      throw new OsnetError(e.code, e.message, { field: `${prefix}.${e.field}`, cause: e });
    throw e;
  }
  try {
    if (settings.external_network_id) {
      const field = `${prefix}.secret_options.external_network_id`;
      const n = await networks
        .get(await cloud.network(), settings.external_network_id)
        .catch((e: unknown) => {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        });
      if (!n?.['router:external'])
        throw new OsnetError(
          'OSNET_ERR_VALIDATION',
          `${field}: no external network ${settings.external_network_id}`,
          {
            field,
          },
        );
    }
    return { volumeTypes: settings.storage_mode === 'dynamic' ? await listVolumeTypes(cloud) : undefined };
  } finally {
    await cloud.close();
  }
}
