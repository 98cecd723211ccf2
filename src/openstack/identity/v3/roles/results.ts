/**
 * Keystone v3 role as the API returns it.
 *
 * @example
 *   const r: Role = await roles.get(identity, id);
 */
import type { Links } from '../common.ts';

export interface Role {
  id: string;
  name: string;
  /** Null for a global role, a domain id for a domain-specific role. */
  domain_id: string | null;
  description?: string | null;
  options: Record<string, unknown>;
  links: Links;
}
