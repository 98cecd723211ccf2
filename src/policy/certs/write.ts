/**
 * Writes a CertSet into a directory: keys 0600, certificates 0644, the directory created 0700 if absent.
 * Without `force` nothing is written when any of the six files exists (all checked first), so a working
 * CA is never replaced by accident.
 *
 * @example
 *   await writeCerts('/etc/osnet/policy', await generateCerts(), { force: false });
 */
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OsnetError } from '../../lib/errors.ts';
import { CERT_FILES, type CertSet } from './generate.ts';

export async function existingCerts(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const f of CERT_FILES) {
    try {
      await access(join(dir, f));
      found.push(f);
    } catch {
      // absent: fine
    }
  }
  return found;
}

export async function writeCerts(dir: string, set: CertSet, o: { force?: boolean } = {}): Promise<string[]> {
  const had = await existingCerts(dir);
  if (had.length && !o.force)
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `${dir} already has ${had.join(', ')} (--force replaces them)`,
      {
        field: '--out',
      },
    );
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const f of CERT_FILES) {
    const path = join(dir, f);
    const mode = f.endsWith('.key') ? 0o600 : 0o644;
    await writeFile(path, set.files[f], { mode });
    // writeFile keeps the mode of a file it replaces: set it either way
    await chmod(path, mode);
    written.push(path);
  }
  return written;
}
