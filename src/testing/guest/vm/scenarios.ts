/**
 * The real-VM scenarios for one stack, in the order they run inside one guest (one boot per stack keeps
 * the suite within its time): first boot from the config drive; hot-add; hot-remove of a middle NIC
 * (the later NIC then stands where it stood in the metadata); the seed's qemu-guest-agent path; the agent
 * restarted while an event waits for the metadata. Each asserts what it proves and returns its figure.
 * Shared by the test (src/testing/guest/vm/real-vm.spec.ts) and the bench (bench/guest-vm.ts).
 *
 * @example
 *   const run = await StackRun.start('ifupdown', image, work);
 *   await run.firstBoot();
 *   await run.stop();
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Guest, linesOf } from './guest.ts';
import { configDrive, type Image, type Stack } from './images.ts';
import { Machine } from './machine.ts';
import { MetadataService } from './metadata.ts';
import { networkData, nic, type VmNic } from './network-data.ts';
import { Ping, type PingSummary } from './ping.ts';

/**
 * Longest wait for a NIC to be configured (or unconfigured) after its QMP command: the metadata already
 * says what the NIC should be, so the agent's own wait for it must not come into play, but one `netplan
 * apply` took 60 s under TCG on the busy project machine.
 */
const CONFIGURE_MS = 120_000;
/** Longest run of one `apply` in the guest: `netplan apply` alone took 60 s under TCG on a busy machine. */
const APPLY_MS = 180_000;
/** Longest wait for the guest to be up and configured after QEMU starts (TCG on 2 busy cores). */
const BOOT_MS = 240_000;
/** After a change is seen, time for any second sync (udev event and watch both react) to show itself. */
const SETTLE_MS = 4_000;
/**
 * How often the scenarios read the guest while they wait. Each read is a guest-exec (journalctl, or a
 * shell reading files) that competes under emulation with the agent it watches: reads every 200-300 ms
 * kept the guest's one CPU busy.
 */
const READ_MS = { log: 5_000, files: 500, event: 1_000 } as const;

export interface Figures {
  bootToConfiguredMs?: number;
  addToConfiguredMs?: number;
  removeToUnconfiguredMs?: number;
  agentExecMs?: number;
  restartAddToConfiguredMs?: number;
  /** How long `systemctl restart osnet-guest` took while an event waited. */
  restartMs?: number;
}

export class StackRun {
  readonly stack: Stack;
  readonly vm: Machine;
  readonly guest: Guest;
  readonly figures: Figures = {};
  private md: MetadataService | undefined;
  private readonly work: string;
  /** NICs attached now, in Nova's order, and what the metadata lists. */
  private nics: VmNic[];
  private readonly bootNics: VmNic[];
  private bootPings: Ping[] = [];
  private readonly allPings: Ping[] = [];
  /** Why the hot-add failed, while it has not succeeded. */
  private hotPlugFailed: string | undefined = 'the hot-add has not run';

  private constructor(stack: Stack, vm: Machine, work: string, nics: VmNic[], pings: Ping[]) {
    this.stack = stack;
    this.vm = vm;
    this.guest = new Guest(vm.qga);
    this.work = work;
    this.nics = nics;
    this.bootNics = nics;
    this.bootPings = pings;
  }

  /**
   * Boots the guest. `withConfigDrive: false` is a cloud with only the metadata service, up before the
   * guest; not used by the test yet: the guest then needs DHCP on its first NIC to reach the service (the
   * agent runs no ephemeral DHCP client as cloud-init does), which the namespace does not serve.
   */
  static async start(stack: Stack, image: Image, work: string, withConfigDrive = true): Promise<StackRun> {
    const nics = [nic(0), nic(1)];
    const iso = withConfigDrive ? await configDrive(work, networkData(nics)) : undefined;
    const tag = `${stack.slice(0, 8)}${withConfigDrive ? '' : '-md'}`;
    let md: MetadataService | undefined;
    let vm: Machine;
    try {
      vm = await Machine.start({
        tag,
        image: image.dir,
        ...(iso ? { configDrive: iso } : {}),
        nics,
        work,
        beforeBoot: async (ns) => {
          if (!iso) md = await MetadataService.start(ns.name, work, networkData(nics));
        },
      });
    } catch (e) {
      await md?.stop();
      throw e;
    }
    const pings = nics.map((x) => Ping.start(vm.ns.name, x.guest));
    const run = new StackRun(stack, vm, work, nics, pings);
    run.md = md;
    return run;
  }

  private async name(x: VmNic): Promise<string> {
    return this.guest.nameOf(x.mac);
  }

  private pings(nics: VmNic[], addrs?: string[]): Ping[] {
    return (addrs ?? nics.map((x) => x.guest)).map((a) => this.ping(a));
  }

  /** A ping stopped by stop() at the latest, so a failed scenario leaves no process behind. */
  private ping(addr: string): Ping {
    const p = Ping.start(this.vm.ns.name, addr);
    this.allPings.push(p);
    return p;
  }

  /** Every ping answered from its first answer to its last, and still answering at the end. */
  private static steady(s: PingSummary[]): void {
    for (const p of s) {
      assert.ok(p.answered > 0, `${p.addr}: never answered`);
      assert.equal(p.lost, 0, `${p.addr}: ${p.lost} echoes lost while it should not change`);
      assert.ok(
        p.lastSeq - p.lastAnsweredSeq <= 3,
        `${p.addr}: stopped answering at seq ${p.lastAnsweredSeq}`,
      );
    }
  }

  /** Entries of the agent's log after `since` saying which NICs it reconfigured. */
  private async reconfiguredSince(since: number): Promise<string[]> {
    return (await this.guest.log())
      .filter((e) => e.time > since && e.msg === 'NIC reconfigured')
      .map((e) => String(e.nic));
  }

  /** Milliseconds of the guest's clock now (its log is stamped with it). */
  private async guestNow(): Promise<number> {
    return Number((await this.guest.sh('date +%s%3N')).trim());
  }

  /**
   * Fails fast, naming the cause, when the agent waits for metadata that already lists the change
   * without asking the metadata service for it: it is reading another source (the config drive Nova wrote
   * at boot and never updates). Runs until `done` settles.
   */
  private async staleSourceWatch(
    sinceGuest: number,
    sinceHost: number,
    done: Promise<unknown>,
  ): Promise<void> {
    let over = false;
    done.then(
      () => {
        over = true;
      },
      () => {
        over = true;
      },
    );
    while (!over) {
      await sleep(READ_MS.log);
      if (over) return;
      const waited = (await this.guest.log()).find(
        // 2 s of slack: the guest's clock is read over the agent, and a read just before the change may log late
        (e) => e.time > sinceGuest + 2_000 && /^metadata (does not match|still disagrees)/.test(e.msg),
      );
      const asked = this.md!.requests.some((r) => r.t >= sinceHost && r.path.endsWith('/network_data.json'));
      if (waited && !asked && !over) {
        throw new Error(
          `guest bug: the agent waits for the metadata (${JSON.stringify(waited.waiting)}) although the metadata ` +
            'service already lists the change, and it never asked the service: it reads the config drive written ' +
            'at boot (--source auto prefers a config drive on every sync)',
        );
      }
    }
  }

  /**
   * Fails with the agent's own error when it logged one (level error) and 20 s later `done` has still
   * not settled (an error it recovers from by itself, such as a retried sync, does not fail the boot).
   */
  private async agentErrorWatch(done: Promise<unknown>): Promise<void> {
    let over = false;
    let errSeen: number | undefined;
    const end = () => {
      over = true;
    };
    done.then(end, end);
    while (!over) {
      await sleep(READ_MS.log);
      if (over) return;
      const err = (await this.guest.log().catch(() => [])).find((e) => e.level >= 50);
      if (err) errSeen ??= Date.now();
      if (err && !over && Date.now() - (errSeen ?? 0) > 20_000)
        throw new Error(`the agent failed: ${String(err.err ?? err.msg)}`);
    }
  }

  /** `ping.firstReply`, or the stale-source failure if that shows first. */
  private async configured(ping: Ping, sinceGuest: number, sinceHost: number): Promise<number> {
    const reply = ping.firstReply(CONFIGURE_MS);
    reply.catch(() => undefined);
    await Promise.race([reply, this.staleSourceWatch(sinceGuest, sinceHost, reply)]);
    return reply;
  }

  /**
   * First boot: with a config drive the metadata service is not even there yet, so what configures the NICs
   * can only be the drive; without one, the service must have been asked. Both boot NICs answer and have
   * exactly their addresses and one file each.
   */
  async firstBoot(): Promise<void> {
    const all = Promise.all(this.bootPings.map((p) => p.firstReply(BOOT_MS)));
    all.catch(() => undefined);
    await Promise.race([all, this.agentErrorWatch(all)]);
    const answered = await all;
    this.figures.bootToConfiguredMs = Math.max(...answered) - this.vm.startedAt;
    const files = await this.guest.configFiles();
    for (const x of this.bootNics) {
      const n = await this.name(x);
      assert.deepEqual(await this.guest.addrs(n), [`${x.guest}/24`]);
      assert.equal(
        Guest.filesOf(files, n).length >= 1,
        true,
        `no config file for ${n}: ${[...files.keys()]}`,
      );
    }
    StackRun.steady(await Promise.all(this.bootPings.map((p) => p.stop())));
    this.bootPings = [];
    if (this.md) {
      assert.ok(
        this.md.requests.some((r) => r.path.endsWith('/network_data.json') && r.status === 200),
        'configured without asking the metadata service',
      );
    } else {
      this.md = await MetadataService.start(this.vm.ns.name, this.work, networkData(this.nics));
    }
  }

  /** Hot-add with the metadata updated (as Nova does before attaching): configured, the others untouched. */
  async hotAdd(): Promise<void> {
    this.needsBoot();
    this.hotPlugFailed = 'the hot-add did not finish';
    const added = nic(2);
    const others = this.nics;
    const steady = this.pings(others);
    const stopMonitor = await this.guest.monitor();
    const since = await this.guestNow();
    const before = await this.guest.configFiles();
    this.nics = [...others, added];
    await this.md!.set(networkData(this.nics));
    this.vm.plug(added);
    const ping = this.ping(added.guest);
    const t = await this.vm.hotAdd(added);
    this.figures.addToConfiguredMs = (await this.configured(ping, since, t)) - t;
    await sleep(SETTLE_MS);
    const name = await this.name(added);
    assert.deepEqual(await this.guest.addrs(name), [`${added.guest}/24`]);
    const lines = await stopMonitor();
    const after = await this.guest.configFiles();
    for (const x of others) {
      const n = await this.name(x);
      assert.deepEqual(linesOf(lines, n), [], `${n} was touched by the hot-add`);
      for (const f of Guest.filesOf(before, n)) assert.equal(after.get(f), before.get(f), `${f} changed`);
    }
    assert.ok(Guest.filesOf(after, name).length >= 1, `no config file for ${name}`);
    assert.deepEqual([...new Set(await this.reconfiguredSince(since))], [name]);
    StackRun.steady([...(await Promise.all(steady.map((p) => p.stop()))), await ping.stop()]);
    this.hotPlugFailed = undefined;
  }

  /** The later scenarios build on the NIC the hot-add configured; without it they prove nothing. */
  private needsBoot(): MetadataService {
    if (!this.md) throw new Error('not run: the first boot did not finish');
    return this.md;
  }

  private needsHotAdd(): void {
    if (this.hotPlugFailed) throw new Error(`not run: ${this.hotPlugFailed}`);
  }

  /**
   * Hot-remove of the middle NIC, the seed's hard case: the metadata now lists the later NIC where the
   * removed one stood. The removed NIC's files go; the later NIC keeps its own addresses and files.
   */
  async hotRemove(): Promise<void> {
    this.needsHotAdd();
    const [first, removed, later] = this.nics;
    assert.ok(first && removed && later, 'hot-remove needs three NICs');
    const removedName = await this.name(removed);
    const kept = [first, later];
    const keptNames = await Promise.all(kept.map((x) => this.name(x)));
    const steady = this.pings(kept);
    const stopMonitor = await this.guest.monitor();
    const since = await this.guestNow();
    const before = await this.guest.configFiles();
    assert.ok(Guest.filesOf(before, removedName).length >= 1);
    this.nics = kept;
    await this.md!.set(networkData(this.nics));
    const t = await this.vm.hotRemove(removed);
    const deadline = t + CONFIGURE_MS;
    for (;;) {
      const files = await this.guest.configFiles();
      if (Guest.filesOf(files, removedName).length === 0) break;
      assert.ok(
        Date.now() < deadline,
        `${removedName}'s files still there: ${Guest.filesOf(files, removedName)}`,
      );
      await sleep(READ_MS.files);
    }
    this.figures.removeToUnconfiguredMs = Date.now() - t;
    await sleep(SETTLE_MS);
    const after = await this.guest.configFiles();
    const lines = await stopMonitor();
    for (const [i, x] of kept.entries()) {
      const n = keptNames[i]!;
      assert.deepEqual(await this.guest.addrs(n), [`${x.guest}/24`], `${n} lost its own addresses`);
      assert.deepEqual(linesOf(lines, n), [], `${n} was touched by the hot-remove`);
      for (const f of Guest.filesOf(before, n)) assert.equal(after.get(f), before.get(f), `${f} changed`);
    }
    const touched = await this.reconfiguredSince(since);
    for (const n of keptNames) assert.ok(!touched.includes(n), `${n} was reconfigured by the hot-remove`);
    StackRun.steady(await Promise.all(steady.map((p) => p.stop())));
  }

  /**
   * The seed's qemu-guest-agent path: guest-exec of the installed agent (its seed name) with the base64
   * network_data.json. A second address on the last NIC is configured, the first NIC is untouched, and the
   * same call again changes nothing.
   */
  async agentExec(): Promise<void> {
    this.needsBoot();
    const last = this.nics.at(-1)!;
    const changed = { ...last, extra: [last.guest.replace(/\.10$/, '.11')] };
    const first = this.nics[0]!;
    const firstName = await this.name(first);
    const lastName = await this.name(last);
    this.nics = [...this.nics.slice(0, -1), changed];
    const doc = networkData(this.nics);
    await this.md!.set(doc);
    const b64 = Buffer.from(JSON.stringify(doc)).toString('base64');
    const steady = this.pings([first]);
    const ping = this.ping(changed.extra[0]!);
    const stopMonitor = await this.guest.monitor();
    const t = Date.now();
    const r = await this.vm.qga.exec(
      '/usr/local/bin/openstack-networkd',
      ['apply', '--b64', b64],
      undefined,
      APPLY_MS,
    );
    assert.equal(r.code, 0, r.stderr);
    this.figures.agentExecMs = Date.now() - t;
    const result = JSON.parse(r.stdout) as { touched: string[] };
    assert.deepEqual(result.touched, [lastName]);
    await ping.firstReply(30_000);
    assert.deepEqual(
      await this.guest.addrs(lastName),
      [`${changed.guest}/24`, `${changed.extra[0]}/24`].sort(),
    );
    const again = await this.vm.qga.exec(
      '/usr/local/bin/openstack-networkd',
      ['apply', '--b64', b64],
      undefined,
      APPLY_MS,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { touched: string[] }).touched, []);
    assert.deepEqual(linesOf(await stopMonitor(), firstName), [], `${firstName} was touched`);
    StackRun.steady([...(await Promise.all(steady.map((p) => p.stop()))), await ping.stop()]);
  }

  /**
   * The agent's service restarted while a hot-add waits for the metadata: the NIC is configured once the
   * metadata lists it, exactly once, and nothing else is reconfigured (by the old or the new process).
   */
  async restartMidEvent(): Promise<void> {
    this.needsHotAdd();
    const added = nic(3);
    const others = this.nics;
    const otherNames = await Promise.all(others.map((x) => this.name(x)));
    const steady = this.pings(others);
    const stopMonitor = await this.guest.monitor();
    const since = await this.guestNow();
    this.vm.plug(added);
    const ping = this.ping(added.guest);
    const t = await this.vm.hotAdd(added);
    // the event has reached the agent once it logs the NIC and the wait for the metadata
    const deadline = Date.now() + 60_000;
    for (;;) {
      const log = await this.guest.log();
      if (log.some((e) => e.time > since && e.msg.startsWith('metadata does not match'))) break;
      assert.ok(Date.now() < deadline, 'the agent never waited for the metadata after the hot-add');
      await sleep(READ_MS.event);
    }
    const r0 = Date.now();
    await this.guest.sh('systemctl restart osnet-guest.service');
    this.figures.restartMs = Date.now() - r0;
    this.nics = [...others, added];
    const setGuest = await this.guestNow();
    const setHost = Date.now();
    await this.md!.set(networkData(this.nics));
    this.figures.restartAddToConfiguredMs = (await this.configured(ping, setGuest, setHost)) - t;
    await sleep(SETTLE_MS * 2);
    const name = await this.name(added);
    assert.deepEqual(await this.guest.addrs(name), [`${added.guest}/24`]);
    const lines = await stopMonitor();
    for (const n of otherNames) assert.deepEqual(linesOf(lines, n), [], `${n} was touched`);
    assert.deepEqual(
      await this.reconfiguredSince(since),
      [name],
      'reconfigured more than once, or another NIC',
    );
    StackRun.steady([...(await Promise.all(steady.map((p) => p.stop()))), await ping.stop()]);
  }

  async stop(): Promise<void> {
    for (const p of [...this.bootPings, ...this.allPings]) await p.stop();
    await this.md?.stop();
    await this.vm.stop();
  }
}
