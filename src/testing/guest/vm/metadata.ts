/**
 * Runs metadata-server.ts inside a VM's namespace and lets the test change what it serves: `set()`
 * replaces network_data.json atomically (as Nova does when an interface is attached or detached); the
 * requests it saw are kept. Test tooling for the real-VM tests.
 *
 * @example
 *   const md = await MetadataService.start(vm.ns.name, work, networkData(nics));
 *   await md.set(networkData([...nics, nic(2)]));
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { META_DATA } from './images.ts';
import { METADATA_ADDR } from './machine.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'metadata-server.ts');

export interface Request {
  t: number;
  path: string;
  status: number;
}

export class MetadataService {
  readonly requests: Request[] = [];
  private readonly dir: string;
  private readonly child: ChildProcess;

  private constructor(dir: string, child: ChildProcess) {
    this.dir = dir;
    this.child = child;
  }

  static async start(ns: string, work: string, networkData: unknown): Promise<MetadataService> {
    const dir = join(work, 'metadata');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'meta_data.json'), JSON.stringify(META_DATA));
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, SERVER, dir, METADATA_ADDR, '80'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const md = new MetadataService(dir, child);
    await md.set(networkData);
    let buf = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.once('exit', (c) => reject(new Error(`metadata server exited (${c})`)));
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (d: string) => {
        buf += d;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const m = JSON.parse(buf.slice(0, i)) as Request & { listening?: string };
          buf = buf.slice(i + 1);
          if (m.listening) resolve();
          else md.requests.push(m);
        }
      });
    });
    await listening;
    return md;
  }

  async set(networkData: unknown): Promise<void> {
    const tmp = join(this.dir, 'network_data.json.tmp');
    await writeFile(tmp, JSON.stringify(networkData));
    await rename(tmp, join(this.dir, 'network_data.json'));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await gone;
  }
}
