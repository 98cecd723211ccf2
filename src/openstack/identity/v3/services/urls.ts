/**
 * Paths of Keystone v3 catalog services, relative to the identity endpoint.
 *
 * @example
 *   identity.get(serviceUrl(id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example servicesUrl() // 'services' */
export function servicesUrl(): string {
  return 'services';
}

/** @example serviceUrl('abc') // 'services/abc' */
export function serviceUrl(id: string): string {
  return `services/${idSegment(id, 'serviceId')}`;
}
