/**
 * osnet-ovs: osnet's built-in OVS delegate for hosts without ovs-cni (not packaged for Debian). A CNI
 * plugin of its own for runtimes and conflists that execute it; it needs no credentials, only OVSDB, ip,
 * nsenter and ethtool. With `"delegate_plugin": "osnet-ovs"`, openstack-port-cni runs the same code
 * in-process (src/cni/built-in-delegate.ts) and this file need not be installed.
 *
 * @example
 *   CNI_COMMAND=VERSION osnet-ovs </dev/null
 */
import { runOvsPlugin } from '../cni/ovs/plugin.ts';

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const out = await runOvsPlugin(process.env, await readStdin());
process.exitCode = out.exitCode;
process.stdout.write(out.stdout);
