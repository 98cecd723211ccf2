/**
 * ifupdown for real: the rendered snippets are brought up with `ifup --no-scripts` (no hook scripts of
 * this host, so no resolvconf/resolved/ethtool side effects) inside a throwaway netns `osr-ifu-*` where
 * each NIC is a veth with its MAC; addresses, MTU and routes (including those our post-up hooks add) are
 * read back with `ip -j`; then `ifdown` must leave none of our addresses or routes behind. Only NICs
 * with purely static configuration run: a DHCP stanza would start a DHCP client, and bonds/VLANs cannot
 * be created by this kernel. The others are listed in `skipped`.
 *
 * @example
 *   const r = await runIfupdown(RENDERERS.ifupdown(cfg), cfg);
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { lines, run, withTempDir, writeTree } from '../run.ts';
import { type IpValidationResult, readBack } from './ip.ts';
import { runInNetns } from './netns-run.ts';

interface JsonAddr {
  ifname: string;
  addr_info: { local: string; prefixlen: number; scope: string }[];
}
interface JsonRoute {
  dst: string;
  dev?: string;
  protocol?: string;
}

export async function runIfupdown(files: RenderedFile[], cfg: NetworkConfig): Promise<IpValidationResult> {
  return runInNetns('ifup (netns)', 'osr-ifu', cfg, async ({ ns, names, errors }) => {
    await withTempDir('osr-ifu-', async (root) => {
      await writeTree(root, files);
      const dir = join(root, 'etc/network/interfaces.d');
      const main = join(root, 'etc/network/interfaces');
      await mkdir(dir, { recursive: true });
      await writeFile(main, `source-directory ${dir}\n`);
      const state = join(root, 'run/ifstate');
      await mkdir(state, { recursive: true });
      const ifupdown = (verb: string) => [
        'netns',
        'exec',
        ns,
        verb,
        '--no-scripts',
        '-i',
        main,
        '--state-dir',
        state,
        ...names,
      ];
      const up = await run('ip', ifupdown('ifup'), { timeoutMs: 60_000 });
      if (up.code !== 0) errors.push(`ifup exit ${up.code}: ${lines(up.stderr).join(' ')}`);
      await readBack(ns, cfg, new Set(names), errors);
      const down = await run('ip', ifupdown('ifdown'));
      if (down.code !== 0) errors.push(`ifdown exit ${down.code}: ${lines(down.stderr).join(' ')}`);
      const left = JSON.parse(
        (await run('ip', ['-n', ns, '-j', 'address', 'show'])).stdout || '[]',
      ) as JsonAddr[];
      for (const a of left.filter((x) => names.includes(x.ifname))) {
        const global = a.addr_info.filter((x) => x.scope !== 'link' && x.scope !== 'host');
        if (global.length > 0)
          errors.push(
            `${a.ifname}: after ifdown still has ${global.map((x) => `${x.local}/${x.prefixlen}`).join(' ')}`,
          );
      }
      for (const family of ['-4', '-6']) {
        const routes = JSON.parse(
          (await run('ip', ['-n', ns, '-j', family, 'route', 'show'])).stdout || '[]',
        ) as JsonRoute[];
        for (const r of routes.filter((x) => names.includes(x.dev ?? '') && x.protocol !== 'kernel')) {
          errors.push(`${r.dev}: after ifdown still routes ${r.dst}`);
        }
      }
    });
  });
}
