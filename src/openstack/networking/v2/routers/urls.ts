/**
 * Paths of the router API, relative to the Neutron endpoint.
 *
 * @example
 *   routerActionURL(id, 'add_router_interface') // 'routers/<id>/add_router_interface'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(ROUTERS) */
export const ROUTERS = 'routers';

export type RouterAction = 'add_router_interface' | 'remove_router_interface';

/** The path, relative to the Neutron endpoint. @example routerURL(id) */
export function routerURL(id: string): string {
  return `${ROUTERS}/${idSegment(id, 'router id')}`;
}

/** The path, relative to the Neutron endpoint. @example routerActionURL(id, action) */
export function routerActionURL(id: string, action: RouterAction): string {
  return `${routerURL(id)}/${action}`;
}
