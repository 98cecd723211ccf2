/**
 * NetworkManager validator: `nmcli --offline connection modify` reads each keyfile on stdin, checks it
 * with libnm and prints the normalised keyfile. libnm drops unknown keys silently (and also keys set to
 * their default), so every key we wrote that is missing from the output is checked once more as a
 * property (`nmcli --offline connection modify <setting>.<key> <value>`): if nmcli refuses it, the key is
 * unknown and reported. A value libnm rewrote differently is a warning.
 *
 * @example
 *   const { errors, warnings } = await validateNetworkManager(renderNetworkManager(cfg));
 */
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { lines, run, type ValidationResult } from '../run.ts';

/** `section.key` → value of a keyfile (comments and blank lines skipped). */
export function keyfileEntries(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^\[(.+)\]$/.exec(t);
    if (m) {
      section = m[1] ?? '';
      continue;
    }
    const eq = t.indexOf('=');
    if (eq > 0) out.set(`${section}.${t.slice(0, eq)}`, t.slice(eq + 1));
  }
  return out;
}

/** Keys that are not properties of their own (routeN, addressN and their options). */
const INDEXED = /^(ipv4|ipv6)\.(route|address)\d+(_options)?$/;

async function checkFile(f: RenderedFile, errors: string[], warnings: string[]): Promise<void> {
  const mine = keyfileEntries(f.content);
  const id = mine.get('connection.id') ?? '';
  const r = await run('nmcli', ['--offline', 'connection', 'modify', 'connection.id', id], {
    input: f.content,
  });
  if (r.code !== 0) {
    errors.push(`${f.path}: ${lines(r.stderr).join(' ') || `nmcli exit ${r.code}`}`);
    return;
  }
  const theirs = keyfileEntries(r.stdout);
  for (const [key, value] of mine) {
    const back = theirs.get(key);
    if (back === undefined) {
      if (INDEXED.test(key)) {
        errors.push(`${f.path}: ${key}=${value} was dropped by NetworkManager`);
        continue;
      }
      // Dropped: unknown (an error) or just the default value (fine). Ask nmcli about the property itself.
      const p = await run('nmcli', ['--offline', 'connection', 'modify', key, value], { input: f.content });
      if (p.code !== 0) errors.push(`${f.path}: ${key}=${value}: ${lines(p.stderr).join(' ')}`);
      continue;
    }
    if (back.toLowerCase() !== value.toLowerCase())
      warnings.push(`${f.path}: ${key}=${value} reads back as ${back}`);
  }
}

export async function validateNetworkManager(files: RenderedFile[]): Promise<ValidationResult> {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    if (!f.path.endsWith('.nmconnection')) continue;
    if ((f.mode ?? 0o644) & 0o077)
      errors.push(`${f.path}: mode ${(f.mode ?? 0o644).toString(8)}; NM ignores keyfiles others can read`);
    await checkFile(f, errors, warnings);
  }
  return { tool: 'nmcli --offline', errors, warnings };
}
