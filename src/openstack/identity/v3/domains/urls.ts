/**
 * Paths of Keystone v3 domains, relative to the identity endpoint.
 *
 * @example
 *   identity.get(domainUrl('default'));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example domainsUrl() // 'domains' */
export function domainsUrl(): string {
  return 'domains';
}

/** @example domainUrl('default') // 'domains/default' */
export function domainUrl(id: string): string {
  return `domains/${idSegment(id, 'domainId')}`;
}
