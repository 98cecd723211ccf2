/**
 * Files that must survive a crash or power loss in a consistent state: `writeAtomic` writes a temp file in
 * the same directory, fsyncs it, renames it over the target and fsyncs the directory, so after a crash a
 * reader finds the old content or the new one, never a partial file or a lost rename.
 *
 * @example
 *   await writeAtomic('/var/lib/osnet-guest/ip-state.json', `${JSON.stringify(state)}\n`, 0o600);
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let tmpSeq = 0;
const randomPart = () => Math.floor(Math.random() * 2 ** 32).toString(16);

/** Writes `content` to `file` (mode `mode`, whatever the umask) atomically and durably; see the module comment. */
export async function writeAtomic(file: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  // Unique per call: two writers of one file in one process must not share a temp file (the counter), nor
  // a process a leftover of a crashed one with its pid (the random part). Not node:crypto: the name needs no
  // secrecy ('wx' refuses an existing file or link), and loading it costs a short-lived CLI about 12 ms.
  const tmp = join(dir, `.${basename(file)}.osnet-tmp-${process.pid}-${++tmpSeq}-${randomPart()}`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/** fsync of a directory: makes a rename, create or unlink in it durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
