/**
 * QEMU's QMP monitor: the capabilities handshake, commands with ids, and the events QEMU sends on the same
 * connection (DEVICE_DELETED after a device_del). Test tooling for the real-VM tests.
 *
 * @example
 *   const qmp = await Qmp.connect(join(dir, 'qmp.sock'));
 *   await qmp.execute('device_add', { driver: 'virtio-net-pci', id: 'hp1', netdev: 'hn1', mac });
 */
import { JsonSocket, type Message } from './json-socket.ts';

export class Qmp {
  private readonly sock: JsonSocket;
  private seq = 0;

  private constructor(sock: JsonSocket) {
    this.sock = sock;
  }

  static async connect(path: string, timeoutMs = 30_000): Promise<Qmp> {
    const sock = await JsonSocket.connect(path, timeoutMs);
    await sock.next((m) => 'QMP' in m, timeoutMs);
    const q = new Qmp(sock);
    await q.execute('qmp_capabilities');
    return q;
  }

  /** Runs a command; QMP's error becomes an exception naming the command. */
  async execute(command: string, args?: Message, timeoutMs = 30_000): Promise<unknown> {
    const id = `osv-${++this.seq}`;
    this.sock.send({ execute: command, ...(args ? { arguments: args } : {}), id });
    const r = await this.sock.next((m) => m.id === id, timeoutMs);
    if ('error' in r) throw new Error(`QMP ${command}: ${JSON.stringify(r.error)}`);
    return r.return;
  }

  /** Waits for an event (one that came before the call counts too). */
  event(name: string, match: (data: Message) => boolean, timeoutMs: number): Promise<Message> {
    return this.sock.next((m) => m.event === name && match((m.data ?? {}) as Message), timeoutMs);
  }

  close(): void {
    this.sock.close();
  }
}
