/**
 * Paths of Keystone v3 domains, relative to the identity endpoint.
 *
 * @example
 *   identity.get(domainUrl('default'));
 */
import { segment } from '../common.ts';

/** @example domainsUrl() // 'domains' */
export function domainsUrl(): string {
  return 'domains';
}

/** @example domainUrl('default') // 'domains/default' */
export function domainUrl(id: string): string {
  return `domains/${segment(id, 'domainId')}`;
}
