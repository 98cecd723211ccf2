/**
 * The resource provider as Placement returns it (bare, without an envelope).
 *
 * @example
 *   const rp: ResourceProvider = await resourceProviders.get(placement, uuid);
 */
export interface ResourceProvider {
  uuid: string;
  name: string;
  /** Bumped by every change of the provider's inventory, traits or aggregates. */
  generation: number;
  /** From microversion 1.14. */
  parent_provider_uuid?: string | null;
  root_provider_uuid?: string;
  links: { href: string; rel: string }[];
}
