/**
 * Resource provider calls. Placement needs a microversion for almost everything (a create answers with
 * the provider from 1.20 on): use a MicroversionClient (client/microversion.ts).
 *
 * @example
 *   const placement = await microversionClient(cloud, 'placement', { min: '1.20', max: '1.39' });
 *   const rp = await create(placement, { name: 'wg-hub-1' });
 */
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import type { ResourceProvider } from './results.ts';
import { RESOURCE_PROVIDERS, resourceProviderURL } from './urls.ts';

/** Request body of a provider create. */
export interface CreateResourceProviderOpts {
  name: string;
  uuid?: string;
  /** From microversion 1.14. */
  parent_provider_uuid?: string;
}

/** Request body of a provider update: PUT replaces the name (and, from 1.37, the parent). */
export interface UpdateResourceProviderOpts {
  name: string;
  parent_provider_uuid?: string | null;
}

/** Query filters of a provider list (Placement does not page it). */
export interface ListResourceProvidersOpts {
  name?: string | undefined;
  uuid?: string | undefined;
  /** "in:<agg1>,<agg2>" (1.3). */
  member_of?: string | undefined;
  /** "VCPU:2,MEMORY_MB:512" (1.4). */
  resources?: string | undefined;
  /** A provider tree (1.14). */
  in_tree?: string | undefined;
  /** Traits "HW_CPU_X86_AVX2,!CUSTOM_X" (1.18). */
  required?: string | undefined;
}

/**
 * create (a name is required), get, list, update, remove, removeIfExists.
 *
 * @example
 *   for await (const rp of list(placement, { name: 'wg-hub-1' })) console.log(rp.uuid);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  ResourceProvider,
  CreateResourceProviderOpts,
  UpdateResourceProviderOpts,
  ListResourceProvidersOpts
>({
  name: 'resource_provider',
  plural: 'resource_providers',
  collection: RESOURCE_PROVIDERS,
  item: resourceProviderURL,
  envelope: false,
  checkCreate: (body, path) => requireString(body, 'name', path),
  checkUpdate: (body, path) => requireString(body, 'name', path),
});
