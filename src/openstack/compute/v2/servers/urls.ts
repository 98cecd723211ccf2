/**
 * Paths of the server API, relative to the Nova endpoint (`.../v2.1/`).
 *
 * @example
 *   serverURL(id) // 'servers/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const SERVERS = 'servers';

/** Lists with every attribute (GET servers gives ids and names only). */
export const SERVERS_DETAIL = 'servers/detail';

/** @example serverURL(id) */
export function serverURL(id: string): string {
  return `${SERVERS}/${idSegment(id, 'server id')}`;
}
