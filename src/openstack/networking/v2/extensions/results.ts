/**
 * An API extension Neutron offers (binding, standard-attr-tag, revision-if-match, ...).
 *
 * @example
 *   const hasTags = exts.some((e) => e.alias === 'standard-attr-tag');
 */

export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated: string;
  links: { rel: string; href: string }[];
}
