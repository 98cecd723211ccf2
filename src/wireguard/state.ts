/**
 * What the agent keeps on the host (under --state-dir, default /var/lib/osnet-wg): one private key per hub
 * (`keys/<hub>.key`, 0600, never sent anywhere) and `state.json` (interface, namespace, listen port and the
 * spoke endpoints last applied). Both survive agent restarts and reboots, so a hub keeps its key and port.
 *
 * @example
 *   const store = new StateStore('/var/lib/osnet-wg');
 *   const key = await store.key(hubId);
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../host/files.ts';
import { OsnetError } from '../lib/errors.ts';
import { generateKeyPair, isKey } from './keys.ts';

export interface HubState {
  ifname: string;
  /** Where the interface is now: the project's namespace, or a router's while the hub is on one. */
  netns: string;
  /** The project's namespace (tun-<project>), also while the hub is on a router. */
  projectNetns?: string;
  listenPort: number;
  /** Declared spoke endpoints as last applied, by public key (a roamed peer is not pulled back). */
  endpoints: Record<string, string>;
  /** Set while a rotation is in its overlap window. */
  rotation?: { requestedAt: number; until: number; oldIfname: string; oldPort: number };
}

export interface AgentState {
  version: 1;
  hubs: Record<string, HubState>;
}

export class StateStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  keyFile(hubId: string): string {
    return join(this.dir, 'keys', `${hubId}.key`);
  }

  async load(): Promise<AgentState> {
    try {
      const s = JSON.parse(await readFile(join(this.dir, 'state.json'), 'utf8')) as AgentState;
      if (s.version !== 1 || typeof s.hubs !== 'object') throw new Error('unknown layout');
      return s;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, hubs: {} };
      throw new OsnetError('OSNET_ERR_CONFIG', `${join(this.dir, 'state.json')}: ${(e as Error).message}`, {
        field: 'state-dir',
        cause: e,
      });
    }
  }

  async save(s: AgentState): Promise<void> {
    await writeAtomic(join(this.dir, 'state.json'), `${JSON.stringify(s, null, 2)}\n`, 0o600);
  }

  /** The hub's private key, or undefined when it has none yet. */
  async readKey(hubId: string): Promise<string | undefined> {
    try {
      const k = (await readFile(this.keyFile(hubId), 'utf8')).trim();
      if (!isKey(k)) throw new OsnetError('OSNET_ERR_CONFIG', `${this.keyFile(hubId)} does not hold a key`);
      return k;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Generates and stores a new key for the hub (0600) and returns it. */
  async newKey(hubId: string, file = this.keyFile(hubId)): Promise<string> {
    const { privateKey } = generateKeyPair();
    await writeAtomic(file, `${privateKey}\n`, 0o600);
    return privateKey;
  }

  async removeKey(hubId: string): Promise<void> {
    await rm(this.keyFile(hubId), { force: true });
    await rm(`${this.keyFile(hubId)}.old`, { force: true });
  }
}
