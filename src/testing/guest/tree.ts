/**
 * Test helper: a checksum of every file (path, mode, content) under a directory, to prove that a failed
 * or invalid apply left the target tree exactly as it was.
 *
 * @example
 *   const before = await treeSums(root);
 *   // ... failing apply
 *   assert.deepEqual(await treeSums(root), before);
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** `relative path` → `mode sha256` for every file and symlink under `root`, minus `skip` prefixes. */
export async function treeSums(root: string, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
      const st = await lstat(p);
      if (st.isDirectory()) await walk(p);
      else if (st.isSymbolicLink()) out[rel] = `link ${await readlink(p)}`;
      else
        out[rel] = `${(st.mode & 0o7777).toString(8)} ${createHash('sha256')
          .update(await readFile(p))
          .digest('hex')}`;
    }
  };
  await walk(root);
  return out;
}
