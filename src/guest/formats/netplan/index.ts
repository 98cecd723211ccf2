/**
 * netplan (`/etc/netplan`): netplan's generator writes networkd's files (/run/systemd/network; only the
 * files whose content changed are replaced, see GENERATE_BY_CONTENT), then networkd is told as for its
 * own files: `networkctl reload` (which reconfigures the NICs whose files changed) and `networkctl
 * reconfigure` of NICs to bring up whose files did not. Never `netplan apply`: it re-applies every NIC,
 * deleting and re-adding the addresses and routes of NICs that did not change (seen in the real-VM test),
 * and took 60 s under emulation. On another root the files go under that root. Each YAML carries its
 * networks' DNS; the global DNS is a systemd-resolved drop-in (netplan has no global DNS key).
 *
 * @example
 *   netplan.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['sh', '-c', GENERATE_BY_CONTENT, 'netplan-generate', '/', '/usr/libexec/netplan/generate'],
 *   //  ['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']] (eth1's YAML unchanged)
 */

import { existsSync } from 'node:fs';
import type { FileChange } from '../../apply/files.ts';
import { networkdSteps, resolvedSteps } from '../networkd/index.ts';
import type { GuestFormat, NicSets } from '../types.ts';
import { renderNetplan } from './render.ts';

/**
 * `netplan generate` only execs netplan's C generator (its path varies by release); run directly it spares
 * the Python start of the CLI, which took most of a minute of an apply in the emulated guest.
 */
const GENERATORS = ['/usr/libexec/netplan/generate', '/usr/lib/netplan/generate', '/lib/netplan/generate'];

function generator(): string[] {
  const c = GENERATORS.find((p) => existsSync(p));
  return c ? [c] : ['netplan', 'generate'];
}

/**
 * Runs the generator on a scratch copy of `<root>/etc/netplan`, then brings netplan's files under
 * `<root>/run` onto its output by content: a changed file is rewritten, a file gone is removed, an
 * unchanged one is left as it is. The generator itself rewrites every file it owns, and networkd's
 * `reload` takes a rewritten file (new inode and mtime) for a changed one: in the real-VM test it
 * reconfigured the NIC that did not change, deleting and re-adding its address and default route.
 * Arguments: root, then the generator's argv.
 */
const GENERATE_BY_CONTENT = `set -eu
root=$1; shift
s=$(mktemp -d); trap 'rm -rf "$s"' EXIT
mkdir -p "$s/etc"
[ ! -d "$root/etc/netplan" ] || cp -a "$root/etc/netplan" "$s/etc/"
"$@" --root-dir "$s"
sync_dir() { # $1 = directory under run, $2 = netplan's file prefix there
  mkdir -p "$root/run/$1"
  for f in "$root/run/$1/$2"*; do
    [ ! -e "$f" ] || [ -e "$s/run/$1/\${f##*/}" ] || rm -f "$f"
  done
  for f in "$s/run/$1/$2"*; do
    [ -e "$f" ] || continue
    cmp -s "$f" "$root/run/$1/\${f##*/}" || cp "$f" "$root/run/$1/"
  done
}
sync_dir systemd/network 10-netplan-
sync_dir udev/rules.d 99-netplan-
`;

export const netplan = {
  name: 'netplan',
  render: renderNetplan,
  apply: {
    kind: 'files',
    driver: (opts) => {
      // Only a global DNS change: netplan has nothing to generate, resolved reloads. No change at all is a
      // rollback of added files only: what the removed YAML generated must go too.
      const yaml = (n: NicSets, changes: FileChange[]) =>
        changes.length === 0 || n.up.length > 0 || changes.some((c) => !c.dns);
      const generate = ['sh', '-c', GENERATE_BY_CONTENT, 'netplan-generate', opts.root, ...generator()];
      return {
        before: () => [],
        after: (n, changes) => [
          ...(yaml(n, changes) ? [generate, ...networkdSteps(n, changes)] : []),
          ...resolvedSteps(opts.root, changes),
        ],
      };
    },
  },
  ownsDns: () => false,
  installed: ['usr/sbin/netplan', 'etc/netplan'],
} as const satisfies GuestFormat;
