/**
 * The key that encrypts the portal's secrets at rest (provider passwords, tenant passwords): from
 * OSNET_PORTAL_SECRET_KEY, else the file --secret-key-file names, else `<state-dir>/secret.key`, made
 * (0600, random) on first start so the embedded setup needs nothing. A key file others may read is
 * refused: the key opens every stored secret.
 *
 * @example
 *   const box = await loadSecretKey({ file: f.secretKeyFile, stateDir: f.stateDir, env: process.env });
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OsnetError } from '../lib/errors.ts';
import { registerSecret } from '../lib/redact.ts';
import { generateKey, parseKey, type SecretBox, secretBox } from '../lib/secret-box.ts';

export const SECRET_KEY_ENV = 'OSNET_PORTAL_SECRET_KEY';

export async function loadSecretKey(o: {
  file?: string | undefined;
  stateDir: string;
  env?: NodeJS.ProcessEnv;
}): Promise<{ box: SecretBox; source: string }> {
  const fromEnv = (o.env ?? process.env)[SECRET_KEY_ENV];
  if (fromEnv) {
    registerSecret(fromEnv.trim());
    return { box: secretBox(parseKey(fromEnv, SECRET_KEY_ENV)), source: SECRET_KEY_ENV };
  }
  const field = '--secret-key-file';
  let file = o.file;
  if (!file) {
    file = join(o.stateDir, 'secret.key');
    await mkdir(o.stateDir, { recursive: true, mode: 0o700 });
    // wx: never overwrite a key another start made (secrets sealed with it would be lost)
    await writeFile(file, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST')
          throw new OsnetError('OSNET_ERR_IO', `${file}: ${err.message}`, { field, cause: err });
      },
    );
    await chmod(file, 0o600);
  }
  let text: string;
  try {
    const s = await stat(file);
    if ((s.mode & 0o077) !== 0)
      throw new OsnetError(
        'OSNET_ERR_CONFIG',
        `${field}: ${file} is readable by others (mode ${(s.mode & 0o777).toString(8)}): chmod 600 it`,
        { field },
      );
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof OsnetError) throw err;
    throw new OsnetError('OSNET_ERR_CONFIG', `${field}: cannot read ${file}`, { field, cause: err });
  }
  registerSecret(text.trim());
  return { box: secretBox(parseKey(text, field)), source: file };
}
