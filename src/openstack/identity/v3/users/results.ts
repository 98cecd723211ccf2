/**
 * Keystone v3 user as the API returns it (never with its password).
 *
 * @example
 *   const u: User = await users.get(identity, id);
 */
import type { Links } from '../common.ts';

export interface User {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  default_project_id?: string;
  description?: string;
  email?: string;
  password_expires_at: string | null;
  options: Record<string, unknown>;
  links: Links;
}
