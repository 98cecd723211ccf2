/**
 * Paths of Keystone v3 projects, relative to the identity endpoint (…/v3/).
 *
 * @example
 *   identity.get(projectUrl(id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example projectsUrl() // 'projects' */
export function projectsUrl(): string {
  return 'projects';
}

/** @example projectUrl('abc') // 'projects/abc' */
export function projectUrl(id: string): string {
  return `projects/${idSegment(id, 'projectId')}`;
}
