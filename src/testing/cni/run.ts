/**
 * Runs a CNI plugin binary as a runtime does (tests only): config on stdin, CNI_* in the environment,
 * optionally inside a named netns (`ip netns exec`), so bridges and host veths stay out of the host.
 */
import { spawn } from 'node:child_process';

export interface CniRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON. */
  json?: Record<string, unknown>;
}

export interface CniCall {
  command: string;
  containerId?: string;
  netns?: string;
  ifname?: string;
  args?: string;
  path?: string;
  /** Run inside this named netns. */
  hostNetns?: string;
  /** A command line the plugin runs under (e.g. strace and its options). */
  wrap?: string[];
  env?: Record<string, string>;
}

export function runCni(binary: string, call: CniCall, stdin: unknown): Promise<CniRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    CNI_COMMAND: call.command,
  };
  if (call.containerId !== undefined) env.CNI_CONTAINERID = call.containerId;
  if (call.netns !== undefined) env.CNI_NETNS = call.netns;
  if (call.ifname !== undefined) env.CNI_IFNAME = call.ifname;
  if (call.args !== undefined) env.CNI_ARGS = call.args;
  if (call.path !== undefined) env.CNI_PATH = call.path;
  Object.assign(env, call.env);
  const argv = [
    ...(call.wrap ?? []),
    ...(call.hostNetns ? ['ip', 'netns', 'exec', call.hostNetns, binary] : [binary]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      const out: CniRun = { code, stdout, stderr };
      try {
        out.json = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        // not JSON: left out
      }
      resolve(out);
    });
    child.stdin.end(typeof stdin === 'string' || stdin instanceof Uint8Array ? stdin : JSON.stringify(stdin));
  });
}
