/**
 * Paths of the tag API (standard-attr-tag), relative to the Neutron endpoint.
 *
 * @example
 *   tagURL('ports', id, 'blue') // 'ports/<id>/tags/blue'
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { idSegment } from '../../../resource/ids.ts';
import { requireTag } from '../../../resource/validate.ts';

/** Collections whose resources take tags (standard-attr-tag). */
export type TaggableKind =
  | 'networks'
  | 'subnets'
  | 'ports'
  | 'routers'
  | 'floatingips'
  | 'security-groups'
  | 'subnetpools'
  | 'trunks'
  | 'policies'
  | 'address-scopes'
  | 'network_segment_ranges';

const KINDS: ReadonlySet<string> = new Set<TaggableKind>([
  'networks',
  'subnets',
  'ports',
  'routers',
  'floatingips',
  'security-groups',
  'subnetpools',
  'trunks',
  'policies',
  'address-scopes',
  'network_segment_ranges',
]);

/** The path, relative to the Neutron endpoint. @example tagsURL(kind, id) */
export function tagsURL(kind: TaggableKind, id: string): string {
  if (!KINDS.has(kind)) {
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `kind: ${JSON.stringify(kind)} is not a taggable resource kind`,
      {
        field: 'kind',
      },
    );
  }
  // QoS policies live under qos/policies in the API
  const base = kind === 'policies' ? 'qos/policies' : kind;
  return `${base}/${idSegment(id, `${kind} id`)}/tags`;
}

/** The path, relative to the Neutron endpoint. @example tagURL(kind, id, tag) */
export function tagURL(kind: TaggableKind, id: string, tag: string): string {
  return `${tagsURL(kind, id)}/${encodeURIComponent(requireTag(tag, 'tag'))}`;
}
