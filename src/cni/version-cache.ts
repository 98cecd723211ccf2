/**
 * The versions a delegate speaks, kept beside the attachment cache: asking costs an exec of the delegate
 * (a whole process start) on every ADD, DEL and CHECK, and the answer only changes with the binary. An
 * entry holds the file's identity (inode, size, mtime, ctime): a replaced or rewritten binary is asked
 * again. An unreadable or stale entry is no error, just asked again.
 *
 * @example
 *   const versions = await cachedVersions(file, cacheDir(env), () => pluginVersions(file, who, env, v));
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../host/files.ts';
import { sha256Hex } from '../lib/sha256.ts';

interface Entry {
  file: string;
  id: string;
  versions: string[];
}

export async function cachedVersions(
  file: string,
  cacheDir: string,
  ask: () => Promise<string[]>,
): Promise<string[]> {
  const st = await stat(file, { bigint: true });
  const id = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const at = join(cacheDir, 'delegate-versions', `${sha256Hex(file).slice(0, 24)}.json`);
  try {
    const e = JSON.parse(await readFile(at, 'utf8')) as Entry;
    if (
      e.file === file &&
      e.id === id &&
      Array.isArray(e.versions) &&
      e.versions.every((v) => typeof v === 'string')
    )
      return e.versions;
  } catch {
    // none yet, or unreadable: ask
  }
  const versions = await ask();
  const entry: Entry = { file, id, versions };
  await writeAtomic(at, `${JSON.stringify(entry)}\n`, 0o600).catch(() => undefined);
  return versions;
}
