/**
 * Paths of the resource provider API, relative to the Placement endpoint.
 *
 * @example
 *   resourceProviderURL(uuid) // 'resource_providers/<uuid>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const RESOURCE_PROVIDERS = 'resource_providers';

/** @example resourceProviderURL(uuid) */
export function resourceProviderURL(uuid: string): string {
  return `${RESOURCE_PROVIDERS}/${idSegment(uuid, 'resource provider uuid')}`;
}
