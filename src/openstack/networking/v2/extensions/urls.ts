/**
 * Paths of the extension API, relative to the Neutron endpoint.
 *
 * @example
 *   extensionURL('binding') // 'extensions/binding'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(EXTENSIONS) */
export const EXTENSIONS = 'extensions';

/** The path, relative to the Neutron endpoint. @example extensionURL(alias) */
export function extensionURL(alias: string): string {
  return `${EXTENSIONS}/${idSegment(alias, 'extension alias')}`;
}
