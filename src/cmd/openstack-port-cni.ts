/**
 * openstack-port-cni: the thin CNI plugin kubelet runs from /opt/cni/bin for every pod. It holds no
 * credentials and reaches only the node daemon's socket and the delegate plugin. Kept free of npm
 * packages and of the OpenStack client (src/cni/bundle.test.ts): its start time is every pod's cost.
 * VERSION (what runtimes probe most) loads only the spec core: the verbs, and the Node built-ins they use
 * (net, child_process, crypto, streams), load when a verb runs (the bundle serves built-ins lazily,
 * scripts/build-options.ts).
 *
 * @example
 *   CNI_COMMAND=VERSION openstack-port-cni </dev/null
 */
import { fstatSync, readFileSync } from 'node:fs';
import { printOut } from '../cli/print.ts';

/** /dev/null as stdin: makedev(1, 3). */
const DEV_NULL = 0x103;

/** stdin read at once without a stream (node:net and the stream machinery cost a pod's start). */
async function readStdin(): Promise<Buffer> {
  let st: ReturnType<typeof fstatSync>;
  try {
    st = fstatSync(0);
  } catch {
    return Buffer.alloc(0); // closed
  }
  if (st.isCharacterDevice()) {
    if (st.rdev === DEV_NULL) return Buffer.alloc(0);
    // a terminal has nothing to give: the plugin answers VERSION without it
    if ((await import('node:tty')).isatty(0)) return Buffer.alloc(0);
  }
  try {
    return readFileSync(0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    // a non-blocking pipe: the stream waits for it
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}

const stdin = await readStdin();
if (process.env.CNI_COMMAND === 'VERSION') {
  const { errorOutput, parseInvocation } = await import('../cni/invocation.ts');
  try {
    const inv = parseInvocation(process.env, stdin);
    printOut(`${JSON.stringify(inv.command === 'VERSION' ? inv.answer : {})}\n`);
  } catch (err) {
    process.exitCode = 1;
    printOut(`${JSON.stringify(errorOutput(err, stdin))}\n`);
  }
} else {
  const { runPlugin } = await import('../cni/plugin.ts');
  const out = await runPlugin(process.env, stdin);
  process.exitCode = out.exitCode;
  printOut(out.stdout);
}
