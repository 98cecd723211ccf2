/**
 * ifupdown validator: an `interfaces` file that sources the rendered snippets the way Debian's does,
 * then `ifquery --list` (syntax) and `ifup --no-act -a` (required options, the commands it would run) in a
 * throwaway network namespace, so nothing can reach the host even if --no-act were ignored. A single-valued
 * option given twice in a stanza is reported too: ifupdown accepts that silently.
 *
 * @example
 *   const { errors, warnings } = await validateIfupdown(renderIfupdown(cfg));
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { lines, run, type ValidationResult, withTempDir, writeTree } from '../run.ts';

/**
 * With --no-act ifup prints the commands it would run on stderr; its own complaints carry its name
 * (`ifup: FILE:LINE: ...`). Those, and anything saying warning, are the findings.
 */
const FINDING = /^(ifup|ifquery|ifdown):|warn/i;

/** Options ifupdown keeps only one of per stanza (it silently takes one when given twice). */
const SINGLE = new Set([
  'address',
  'netmask',
  'gateway',
  'mtu',
  'metric',
  'hwaddress',
  'accept_ra',
  'dhcp',
  'bond-mode',
  'bond-miimon',
  'bond-xmit-hash-policy',
  'bond-master',
  'bond-slaves',
  'vlan-raw-device',
  'dns-nameservers',
  'dns-search',
]);

/** Findings ifupdown itself does not report: a single-valued option given twice in one stanza. */
export function duplicateOptions(f: RenderedFile): string[] {
  const out: string[] = [];
  let seen = new Set<string>();
  for (const [i, line] of f.content.split('\n').entries()) {
    if (/^(iface|auto|allow-|source|mapping)/.test(line)) seen = new Set();
    const opt = /^\s+(\S+)\s/.exec(line)?.[1];
    if (!opt || !SINGLE.has(opt)) continue;
    if (seen.has(opt)) out.push(`${f.path}:${i + 1}: ${opt} given twice in one stanza`);
    seen.add(opt);
  }
  return out;
}

export async function validateIfupdown(files: RenderedFile[]): Promise<ValidationResult> {
  return withTempDir('osr-ifupdown-', async (root) => {
    await writeTree(root, files);
    const dir = join(root, 'etc/network/interfaces.d');
    const main = join(root, 'etc/network/interfaces');
    await mkdir(dir, { recursive: true });
    await writeFile(main, `auto lo\niface lo inet loopback\nsource-directory ${dir}\n`);
    const errors: string[] = files.flatMap(duplicateOptions);
    const warnings: string[] = [];
    const q = await run('ifquery', ['-i', main, '--list']);
    if (q.code !== 0) errors.push(...lines(q.stderr), `ifquery exit ${q.code}`);
    else warnings.push(...lines(q.stderr).filter((l) => FINDING.test(l)));
    const listed = new Set(lines(q.stdout));
    for (const f of files)
      if (f.nic && !listed.has(f.nic)) errors.push(`ifquery does not list ${f.nic} (${f.path})`);
    const state = join(root, 'run/ifstate');
    const up = await run('unshare', ['-n', 'ifup', '--no-act', '-i', main, '--state-dir', state, '-a']);
    const out = lines(up.stderr);
    if (up.code !== 0) errors.push(...out, `ifup --no-act exit ${up.code}`);
    else warnings.push(...out.filter((l) => FINDING.test(l)));
    return { tool: 'ifquery + ifup --no-act', errors, warnings };
  });
}
