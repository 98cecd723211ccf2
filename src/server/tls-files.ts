/**
 * Reads the PEM files of a TLS setting, each failure naming its flag (a missing key is a configuration
 * error at start, not a handshake failure later). The key's content is never put in an error.
 *
 * @example
 *   const files = await readTlsFiles({ ca, cert, key }, { ca: '--ca', cert: '--cert', key: '--key' });
 */
import { readFile } from 'node:fs/promises';
import { OsnetError } from '../lib/errors.ts';

export async function readTlsFiles<K extends string>(
  files: Record<K, string>,
  flags: Record<K, string>,
): Promise<Record<K, Buffer>> {
  const out = {} as Record<K, Buffer>;
  for (const k of Object.keys(files) as K[]) {
    try {
      out[k] = await readFile(files[k]);
    } catch (cause) {
      throw new OsnetError('OSNET_ERR_CONFIG', `${flags[k]}: cannot read ${files[k]}`, {
        field: flags[k],
        cause,
      });
    }
    if (!out[k].includes('-----BEGIN '))
      throw new OsnetError('OSNET_ERR_CONFIG', `${flags[k]}: ${files[k]} is not PEM`, { field: flags[k] });
  }
  return out;
}
