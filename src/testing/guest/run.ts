/**
 * Small helpers the validators share: run a real tool and keep its exit code and output, and write
 * rendered files into a throwaway root at their target paths.
 *
 * @example
 *   const r = await run('netplan', ['generate', '--root-dir', root]);
 *   if (r.code !== 0) console.error(r.stderr);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../../guest/formats/types.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a validator found: errors fail the rendering, warnings too (the bar is zero of both). */
export interface ValidationResult {
  tool: string;
  errors: string[];
  warnings: string[];
}

/** Runs a command without a shell; never throws on a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000 });
    const out = collectOutput(child);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), ...out }));
    if (child.stdin) {
      // A tool may exit before reading its input; that shows in its exit code, not as EPIPE here.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/**
 * Collects a child's stdout and stderr as text; the fields are complete once it has emitted `close`.
 *
 * @example
 *   const out = collectOutput(spawn('ip', ['-j', 'link']));
 */
export function collectOutput(child: ChildProcess): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  return out;
}

/** Writes `files` under `root` at their absolute target paths, with their modes. */
export async function writeTree(root: string, files: RenderedFile[]): Promise<void> {
  for (const f of files) {
    const p = join(root, f.path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.content);
    await chmod(p, f.mode ?? 0o644);
  }
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Non-empty lines of a tool's output. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
