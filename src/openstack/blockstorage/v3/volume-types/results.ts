/**
 * The volume type as Cinder (API v3) returns it.
 *
 * @example
 *   const t: VolumeType = await volumetypes.get(cinder, id); // t.extra_specs.volume_backend_name
 */

/** A Cinder volume type. @example const t: VolumeType = await volumetypes.get(cinder, id); */
export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  /** Which backend serves it (`volume_backend_name`) and other scheduler hints. */
  extra_specs: Record<string, string>;
  'os-volume-type-access:is_public'?: boolean;
  qos_specs_id?: string | null;
}
