/**
 * Paths of Keystone v3 catalog endpoints, relative to the identity endpoint.
 *
 * @example
 *   identity.get(endpointUrl(id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example endpointsUrl() // 'endpoints' */
export function endpointsUrl(): string {
  return 'endpoints';
}

/** @example endpointUrl('abc') // 'endpoints/abc' */
export function endpointUrl(id: string): string {
  return `endpoints/${idSegment(id, 'endpointId')}`;
}
