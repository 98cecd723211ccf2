/**
 * Paths of the port API, relative to the Neutron endpoint (`.../v2.0/`).
 *
 * @example
 *   portURL(id) // 'ports/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(PORTS) */
export const PORTS = 'ports';

/** The path, relative to the Neutron endpoint. @example portsURL() */
export function portsURL(): string {
  return PORTS;
}

/** The path, relative to the Neutron endpoint. @example portURL(id) */
export function portURL(id: string): string {
  return `${PORTS}/${idSegment(id, 'port id')}`;
}
