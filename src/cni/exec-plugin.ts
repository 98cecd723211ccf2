/**
 * Runs another CNI plugin (the delegate, an IPAM plugin) the way libcni does: found by type in CNI_PATH,
 * the config on stdin, CNI_* in the environment, the result or error JSON on stdout. A failure comes back
 * as a CniError carrying the plugin's own code and message, prefixed with who failed.
 *
 * @example
 *   const out = await execPlugin('bridge', 'ADD', conf, { ...env, CNI_COMMAND: 'ADD' }, ['/usr/lib/cni']);
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CNI_ERR, CniError, parseErrorResult } from './errors.ts';
import { parseVersionAnswer } from './versions.ts';

const MAX_OUTPUT = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;

/** The first executable file named `type` in the CNI_PATH directories. */
export async function findPlugin(type: string, path: readonly string[]): Promise<string> {
  if (type.includes('/') || type === '' || type === '.' || type === '..') {
    throw new CniError(CNI_ERR.INVALID_CONFIG, `plugin type ${JSON.stringify(type)} is not a plugin name`, {
      field: 'type',
    });
  }
  for (const dir of path) {
    const file = join(dir, type);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  throw new CniError(
    CNI_ERR.INVALID_CONFIG,
    `plugin ${JSON.stringify(type)} not found in CNI_PATH (${path.join(':') || 'empty'})`,
    { field: 'CNI_PATH' },
  );
}

export interface ExecOutput {
  stdout: string;
}

/** Runs the plugin binary `file` once; resolves with its stdout on exit 0, else rejects with its error. */
export function execPluginFile(
  file: string,
  who: string,
  verb: string,
  stdin: unknown,
  env: Record<string, string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ExecOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { env: { ...env, CNI_COMMAND: verb }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 64) err.push(c);
    });
    // a plugin that exits without reading stdin closes the pipe: its exit code tells what happened
    child.stdin.on('error', () => undefined);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(
        new CniError(CNI_ERR.INTERNAL, `${who} ${verb}: cannot run ${file}: ${cause.message}`, { cause }),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve({ stdout });
      const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 500);
      const parsed = parseErrorResult(stdout);
      if (parsed) {
        return reject(
          new CniError(parsed.code, `${who} ${verb}: ${parsed.message}`, {
            details: [parsed.details, stderr].filter((s) => s).join('; ') || `exit ${code}`,
          }),
        );
      }
      const how = signal
        ? `was killed (${signal}${size > MAX_OUTPUT ? ', output too large' : ''})`
        : `exited ${code}`;
      reject(
        new CniError(CNI_ERR.INTERNAL, `${who} ${verb}: ${file} ${how} without an error result`, {
          details: stderr || stdout.slice(0, 500),
        }),
      );
    });
    child.stdin.end(typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
  });
}

/** The versions a plugin speaks, from its VERSION answer. */
export async function pluginVersions(
  file: string,
  who: string,
  env: Record<string, string>,
  asked: string,
): Promise<string[]> {
  const { stdout } = await execPluginFile(file, who, 'VERSION', { cniVersion: asked }, env, 10_000);
  return parseVersionAnswer(stdout, who);
}
