/**
 * The flavor as Nova returns it.
 *
 * @example
 *   const f: Flavor = await flavors.get(nova, id); // f.ram in MiB, f.disk in GiB
 */
export interface Flavor {
  id: string;
  name: string;
  /** MiB. */
  ram: number;
  vcpus: number;
  /** GiB of root disk. */
  disk: number;
  /** MiB of swap, or "" for none (before microversion 2.75). */
  swap: number | '';
  'OS-FLV-EXT-DATA:ephemeral': number;
  'os-flavor-access:is_public': boolean;
  rxtx_factor?: number;
  /** From microversion 2.55. */
  description?: string | null;
  /** From microversion 2.61. */
  extra_specs?: Record<string, string>;
}
