/**
 * One Debian guest under QEMU for the real-VM tests: its own network namespace `osv-*` (QEMU runs inside
 * it, so its taps never touch the host's interfaces), a qcow2 overlay on the cached image, the config
 * drive, QMP for hot-plug and qemu-guest-agent for commands. Software emulation (TCG) unless
 * OSNET_VM_ACCEL=kvm: the KVM here cannot run a stock Debian kernel. Test tooling only.
 *
 * @example
 *   const vm = await Machine.start({ tag: 'ifupdown', image, configDrive, nics: [nic(0)], work });
 *   await vm.hotAdd(nic(1));
 *   await vm.stop();
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Netns } from '../netns.ts';
import type { VmNic } from './network-data.ts';
import { Qga } from './qga.ts';
import { Qmp } from './qmp.ts';

export const METADATA_ADDR = '169.254.169.254';

export interface MachineOptions {
  tag: string;
  /** Directory holding root.qcow2, vmlinuz and initrd.img (scripts/vm/build-images). */
  image: string;
  /** iso9660 config drive labelled config-2; none for a cloud that only has the metadata service. */
  configDrive?: string;
  /** NICs present at boot, in PCI order. */
  nics: VmNic[];
  /** Scratch directory: overlay, sockets, console.log. */
  work: string;
  memoryMiB?: number;
  /** Runs once the namespace and taps exist, before QEMU starts (a metadata service the guest needs at boot). */
  beforeBoot?: (ns: Netns) => Promise<void>;
}

export class Machine {
  readonly ns: Netns;
  readonly work: string;
  readonly qmp: Qmp;
  readonly qga: Qga;
  readonly startedAt: number;
  private readonly qemu: ChildProcess;
  private readonly taps = new Set<string>();

  private constructor(ns: Netns, work: string, qemu: ChildProcess, qmp: Qmp, qga: Qga, startedAt: number) {
    this.ns = ns;
    this.work = work;
    this.qemu = qemu;
    this.qmp = qmp;
    this.qga = qga;
    this.startedAt = startedAt;
  }

  /** Taps made before QEMU started (the boot NICs). */
  private static booted(m: Machine, nics: VmNic[]): Machine {
    for (const x of nics) m.taps.add(x.tap);
    return m;
  }

  static async start(o: MachineOptions): Promise<Machine> {
    const ns = await Netns.create(o.tag, 'osv');
    try {
      for (const x of o.nics) addTap(ns, x);
      await o.beforeBoot?.(ns);
      const overlay = join(o.work, 'root.qcow2');
      execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-F',
        'qcow2',
        '-b',
        join(o.image, 'root.qcow2'),
        overlay,
      ]);
      const accel =
        process.env.OSNET_VM_ACCEL === 'kvm'
          ? ['-accel', 'kvm', '-cpu', 'host']
          : ['-accel', 'tcg,tb-size=128', '-cpu', 'max'];
      const args = [
        'netns',
        'exec',
        ns.name,
        'qemu-system-x86_64',
        ...accel,
        '-m',
        String(o.memoryMiB ?? 1024),
        '-smp',
        '1',
        '-nodefaults',
        '-display',
        'none',
        '-no-user-config',
        '-kernel',
        join(o.image, 'vmlinuz'),
        '-initrd',
        join(o.image, 'initrd.img'),
        '-append',
        'root=/dev/vda rw console=ttyS0 quiet',
        '-drive',
        `file=${overlay},if=virtio,format=qcow2`,
        ...(o.configDrive ? ['-drive', `file=${o.configDrive},if=virtio,format=raw,readonly=on`] : []),
        '-serial',
        `file:${join(o.work, 'console.log')}`,
        '-qmp',
        `unix:${join(o.work, 'qmp.sock')},server=on,wait=off`,
        '-chardev',
        `socket,path=${join(o.work, 'qga.sock')},server=on,wait=off,id=qga0`,
        '-device',
        'virtio-serial',
        '-device',
        'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
        ...o.nics.flatMap((x) => [
          '-netdev',
          `tap,id=${x.netdev},ifname=${x.tap},script=no,downscript=no`,
          '-device',
          `virtio-net-pci,netdev=${x.netdev},mac=${x.mac},id=${x.device}`,
        ]),
      ];
      const startedAt = Date.now();
      const qemu = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const err = createWriteStream(join(o.work, 'qemu.stderr'));
      qemu.stderr?.pipe(err);
      const exited = once(qemu, 'exit').then(() => {
        throw new Error(`qemu exited early; see ${join(o.work, 'qemu.stderr')}`);
      });
      try {
        const qmp = await Promise.race([Qmp.connect(join(o.work, 'qmp.sock')), exited]);
        const qga = await Promise.race([Qga.connect(join(o.work, 'qga.sock'), 240_000), exited]);
        exited.catch(() => undefined);
        return Machine.booted(new Machine(ns, o.work, qemu, qmp, qga, startedAt), o.nics);
      } catch (e) {
        qemu.kill('SIGKILL');
        throw e;
      }
    } catch (e) {
      await ns.destroy();
      throw e;
    }
  }

  /**
   * The host side of a NIC to be hot-added: its tap, with the route to its subnet. A ping to the NIC's
   * address must start after this: ping exits at once ("Network is unreachable") when there is no route.
   */
  plug(x: VmNic): void {
    if (this.taps.has(x.tap)) return;
    addTap(this.ns, x);
    this.taps.add(x.tap);
  }

  /** Attaches a NIC as Nova does (netdev_add + device_add); resolves with the time device_add was sent. */
  async hotAdd(x: VmNic): Promise<number> {
    this.plug(x);
    await this.qmp.execute('netdev_add', {
      type: 'tap',
      id: x.netdev,
      ifname: x.tap,
      script: 'no',
      downscript: 'no',
    });
    const t = Date.now();
    await this.qmp.execute('device_add', {
      driver: 'virtio-net-pci',
      id: x.device,
      netdev: x.netdev,
      mac: x.mac,
    });
    return t;
  }

  /** Detaches a NIC; resolves with the time device_del was sent, once QEMU reports it gone. */
  async hotRemove(x: VmNic): Promise<number> {
    const t = Date.now();
    await this.qmp.execute('device_del', { id: x.device });
    await this.qmp.event('DEVICE_DELETED', (d) => d.device === x.device, 30_000);
    await this.qmp.execute('netdev_del', { id: x.netdev });
    this.ns.delLink(x.tap);
    this.taps.delete(x.tap);
    return t;
  }

  async stop(): Promise<void> {
    this.qga.close();
    if (this.qemu.exitCode === null) {
      const gone = once(this.qemu, 'exit');
      await this.qmp.execute('quit', undefined, 5_000).catch(() => undefined);
      const t = await Promise.race([gone.then(() => 'gone'), sleep(10_000).then(() => 'stuck')]);
      if (t === 'stuck' && this.qemu.pid) {
        // ip netns exec replaced itself with QEMU: this PID is QEMU's own
        process.kill(this.qemu.pid, 'SIGKILL');
        await gone;
      }
    }
    this.qmp.close();
    await this.ns.destroy();
  }
}

function addTap(ns: Netns, x: VmNic): void {
  ns.ip(['tuntap', 'add', x.tap, 'mode', 'tap']);
  ns.ip(['addr', 'add', `${x.host}/24`, 'dev', x.tap]);
  if (x.n === 0) ns.ip(['addr', 'add', `${METADATA_ADDR}/32`, 'dev', x.tap]);
  ns.ip(['link', 'set', x.tap, 'up']);
}
