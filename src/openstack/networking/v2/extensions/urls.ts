/**
 * Paths of the extension API, relative to the Neutron endpoint.
 *
 * @example
 *   extensionURL('binding') // 'extensions/binding'
 */
import { requireId } from '../shared/validate.ts';

export const EXTENSIONS = 'extensions';

export function extensionURL(alias: string): string {
  return `${EXTENSIONS}/${requireId(alias, 'extension alias')}`;
}
