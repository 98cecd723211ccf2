/**
 * Tags on any taggable Neutron resource.
 *
 * @example
 *   import * as tags from './networking/v2/tags/index.ts';
 *   await tags.add(net, 'ports', id, 'blue');
 */
export * from './requests.ts';
export * from './urls.ts';
