/**
 * openstack-port-cni: the thin CNI plugin kubelet runs from /opt/cni/bin for every pod. It holds no
 * credentials and reaches only the node daemon's socket and the delegate plugin. Kept free of npm
 * packages and of the OpenStack client (src/cni/bundle.test.ts): its start time is every pod's cost.
 *
 * @example
 *   CNI_COMMAND=VERSION openstack-port-cni </dev/null
 */
import { runPlugin } from '../cni/plugin.ts';

async function readStdin(): Promise<Buffer> {
  // a terminal or closed stdin has nothing to give: the plugin answers VERSION without it
  if (process.stdin.isTTY) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const out = await runPlugin(process.env, await readStdin());
process.exitCode = out.exitCode;
process.stdout.write(out.stdout);
