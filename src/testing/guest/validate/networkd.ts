/**
 * systemd-networkd validator: the real daemon loads the files in a private network + mount namespace
 * (a tmpfs over /etc/systemd/network and /run/systemd), so the host's networking is never touched.
 * networkd never exits on bad keys; it logs `<file>:<line>: ...` and ignores them, so every such line
 * (and any "Failed to load/parse") is an error. The daemon is stopped as soon as it logs that enumeration
 * completed, which happens after all .network/.netdev/.link files were parsed.
 *
 * @example
 *   const { errors } = await validateNetworkd(renderNetworkd(cfg));
 */
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { lines, run, type ValidationResult, withTempDir, writeTree } from '../run.ts';
import { checkResolvedDropIns, RESOLVED_DIR } from './resolved.ts';

const SCRIPT = `
set -e
mount --make-rprivate /
mkdir -p /etc/systemd/network
mount -t tmpfs none /etc/systemd/network
mkdir -p /run/systemd  # absent where systemd never ran
mount -t tmpfs none /run/systemd
mount -t sysfs -o ro sysfs /sys
mkdir -p /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp
chown -R systemd-network:systemd-network /run/systemd/netif
if [ -n "$(ls -A "$1")" ]; then cp "$1"/* /etc/systemd/network/; fi
log=/run/systemd/osr-networkd.log
SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 /lib/systemd/systemd-networkd >"$log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  grep -q 'Enumeration completed' "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -q 'Enumeration completed' "$log" || echo "networkd did not finish loading its configuration"
cat "$log"
`;

const FINDING =
  /(^|\s)\/etc\/systemd\/network\/[^:\s]+(:\d+)?:|Failed to (load|parse)|did not finish loading/;

/**
 * Validates networkd files (all of them must live in /etc/systemd/network or /run/systemd/network), and
 * the systemd-resolved drop-in of global DNS (resolved.ts).
 */
export async function validateNetworkd(
  files: RenderedFile[] | Map<string, string>,
): Promise<ValidationResult> {
  return withTempDir('osr-networkd-', async (dir) => {
    const list: RenderedFile[] =
      files instanceof Map
        ? [...files].map(([name, content]) => ({ path: `/${name}`, content }))
        : files
            .filter((f) => !f.path.startsWith(RESOLVED_DIR))
            .map((f) => ({ ...f, path: `/${f.path.split('/').pop()}` }));
    await writeTree(dir, list);
    const r = await run('unshare', ['-n', '-m', 'bash', '-c', SCRIPT, 'osr-networkd', dir], {
      timeoutMs: 30_000,
    });
    const found = lines(r.stdout + r.stderr).filter((l) => FINDING.test(l));
    if (r.code !== 0) found.push(`unshare/networkd exited ${r.code}: ${r.stderr.trim()}`);
    if (!(files instanceof Map)) found.push(...checkResolvedDropIns(files));
    return { tool: 'systemd-networkd', errors: found, warnings: [] };
  });
}
