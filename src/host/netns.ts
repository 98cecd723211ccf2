/**
 * Network namespaces, by name (`/run/netns/NAME`, what `ip netns` manages) or by path (what a container
 * runtime hands a CNI plugin: `/var/run/netns/cni-…`, `/proc/PID/ns/net`). Commands run inside one through
 * `ip -n` / `ip netns exec` for a name and `nsenter --net=` for a path.
 *
 * @example
 *   await addNetns('osnet-t1');
 *   await new Exec().run(ipArgv(['link', 'set', 'lo', 'up'], 'osnet-t1'));
 *   await new Exec().run(inNetns(['wg', 'show'], '/proc/4242/ns/net'));
 */
import { Exec } from './exec.ts';

const exec = new Exec({ timeoutMs: 10_000 });

function isPath(ns: string): boolean {
  return ns.startsWith('/');
}

/** `argv` run inside namespace `ns` (a name or a path); as is without one. */
export function inNetns(argv: string[], ns?: string): string[] {
  if (!ns) return argv;
  return isPath(ns) ? ['nsenter', `--net=${ns}`, '--', ...argv] : ['ip', 'netns', 'exec', ns, ...argv];
}

/** An `ip` command line (`args` without the leading `ip`) run inside namespace `ns`. */
export function ipArgv(args: string[], ns?: string): string[] {
  if (ns && !isPath(ns)) return ['ip', '-n', ns, ...args];
  return inNetns(['ip', ...args], ns);
}

/** Names of the namespaces under /run/netns. */
export async function listNetns(): Promise<string[]> {
  const { stdout } = await exec.read(['ip', '-j', 'netns', 'list']);
  return (JSON.parse(stdout || '[]') as { name: string }[]).map((n) => n.name);
}

/** Creates a named namespace with its loopback up. */
export async function addNetns(name: string): Promise<void> {
  await exec.run(['ip', 'netns', 'add', name]);
  await exec.run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes a named namespace (its links go with it); a missing one is not an error. */
export async function delNetns(name: string): Promise<void> {
  if ((await listNetns()).includes(name)) await exec.run(['ip', 'netns', 'del', name]);
}
