/**
 * Paths of the port API, relative to the Neutron endpoint (`.../v2.0/`).
 *
 * @example
 *   portURL(id) // 'ports/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const PORTS = 'ports';

export function portsURL(): string {
  return PORTS;
}

export function portURL(id: string): string {
  return `${PORTS}/${requireId(id, 'port id')}`;
}
