/**
 * The check every quota update shares: each limit an integer >= -1 (-1: unlimited), named in the error.
 *
 * @example
 *   checkLimits({ cores: 8 }, 'quota_set');
 */
import { OsnetError } from '../../lib/errors.ts';

/** Throws OSNET_ERR_VALIDATION naming `<path>.<key>` for the first limit that is not an integer >= -1. */
export function checkLimits(body: Record<string, unknown>, path: string): void {
  for (const [k, v] of Object.entries(body)) {
    if (!Number.isInteger(v) || (v as number) < -1) {
      throw new OsnetError('OSNET_ERR_VALIDATION', `${path}.${k}: must be an integer >= -1`, {
        field: `${path}.${k}`,
      });
    }
  }
}
