/**
 * Keystone v3 project as the API returns it.
 *
 * @example
 *   const p: Project = await projects.get(identity, id);
 */
import type { Links } from '../common.ts';

export interface Project {
  id: string;
  name: string;
  domain_id: string;
  description: string;
  enabled: boolean;
  /** The parent project, or the domain id for a top-level project. */
  parent_id: string | null;
  is_domain: boolean;
  tags: string[];
  options: Record<string, unknown>;
  links: Links;
}
