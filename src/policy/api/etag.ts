/**
 * ETags of policy lists, so pollers skip unchanged data: the store's state version (bumped by every change)
 * with a hash of what was asked (route, normalised filter, caller's scope). Read the state before the list:
 * a change racing the read then shows as a newer version on the next poll, never as stale data kept.
 *
 * @example
 *   const tag = listEtag(state.version, ['v1', ids]);
 *   if (notModified(req.headers['if-none-match'], tag)) return reply.code(304).send();
 */
import { createHash } from 'node:crypto';

export function listEtag(version: number, asked: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(asked)).digest('base64url').slice(0, 16);
  return `W/"${version}-${h}"`;
}

/** Whether If-None-Match names `etag` (weak comparison, lists and `*` allowed). */
export function notModified(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const all = (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch)
    .split(',')
    .map((s) => s.trim());
  const bare = (t: string) => t.replace(/^W\//, '');
  return all.some((t) => t === '*' || bare(t) === bare(etag));
}
