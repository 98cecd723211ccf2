/**
 * osnet-guest in a real Debian 12 VM (QEMU, software emulation), one guest per network stack with the
 * scenarios in sequence inside it; see src/testing/guest/vm/scenarios.ts and docs/guest.md "In a real VM".
 * The images come from scripts/vm/build-images (cached; scripts/test builds them before the tests).
 * OSNET_VM_STACKS=ifupdown,netplan narrows the stacks (default all), `none` skips them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { figuresTable } from './figures.ts';
import { type Image, images, STACKS, type Stack } from './images.ts';
import { type Figures, StackRun } from './scenarios.ts';

// Every stack unless OSNET_VM_STACKS names some (comma-separated) or is `none`; a name that is no stack
// fails rather than quietly running less.
const wanted = (process.env.OSNET_VM_STACKS ?? 'all').split(',').map((s) => s.trim());
const stacks: Stack[] = wanted.includes('all') ? [...STACKS] : [];
if (!wanted.includes('all') && !wanted.includes('none')) {
  for (const s of wanted) {
    if (!(STACKS as readonly string[]).includes(s))
      throw new Error(`OSNET_VM_STACKS: ${s} is no stack (${STACKS.join(', ')}, all or none)`);
    stacks.push(s as Stack);
  }
}
if (stacks.length === 0) test('real VM scenarios', { skip: 'OSNET_VM_STACKS=none' }, () => {});
const figures = new Map<Stack, Figures>();
let built: Record<Stack, Image>;

let imagesMs = 0;
let guestsFrom = 0;

before(
  async () => {
    const t0 = Date.now();
    if (stacks.length > 0) built = await images(stacks);
    imagesMs = Date.now() - t0;
    guestsFrom = Date.now();
  },
  { timeout: 20 * 60_000 },
);

// The guests boot one at a time and then run their scenarios side by side. A boot (systemd, udev, three
// agent processes at once) keeps an emulated CPU busy throughout, and three at once on 2 shared cores
// slowed each past 240 s; the scenarios after it are mostly waiting (udev, the metadata, pings), so they
// overlap well.
let bootQueue: Promise<void> = Promise.resolve();
/** Waits for this guest's turn to boot; the function returned ends the turn (more calls do nothing). */
async function bootTurn(): Promise<() => void> {
  let end!: () => void;
  const turn = new Promise<void>((r) => {
    end = r;
  });
  const before = bootQueue;
  bootQueue = bootQueue.then(() => turn);
  await before;
  return end;
}

// (a suite's concurrency is inherited: each guest's own scenarios build on each other, one at a time)
describe('real VMs', { concurrency: true }, () => {
  for (const stack of stacks) {
    describe(`real VM, ${stack}`, { concurrency: 1, timeout: 15 * 60_000 }, () => {
      let run: StackRun;
      let work: string;
      let failed = false;
      let booted = () => {};
      before(async () => {
        work = await mkdtemp(join(tmpdir(), `osv-${stack}-`));
        booted = await bootTurn();
        try {
          run = await StackRun.start(stack, built[stack], work);
        } catch (e) {
          booted();
          throw e;
        }
      });
      after(async (t) => {
        booted();
        figures.set(stack, run?.figures ?? {});
        await run?.stop();
        // the console log, QEMU's stderr and the agent's log stay for a failed run
        if (failed) t.diagnostic(`kept ${work} (console.log, qemu.stderr, agent.log)`);
        else await rm(work, { recursive: true, force: true });
      });
      const step = (name: string, fn: () => Promise<void>) =>
        test(name, async () => {
          try {
            await fn();
          } catch (e) {
            failed = true;
            // the agent's log of every process (service, udev events, guest-exec) tells why
            await run?.guest
              .sh('journalctl --no-pager -o short-precise -t osnet-guest')
              .then((log) => writeFile(join(work, 'agent.log'), log))
              .catch(() => undefined);
            throw e;
          }
        });
      step('first boot configures every NIC from the config drive', () =>
        run.firstBoot().finally(() => booted()),
      );
      // the seed's path needs no NIC event, and runs before any event's wait can hold the agent's lock
      step("the seed's qemu-guest-agent path: guest-exec with the base64 network_data.json", () =>
        run.agentExec(),
      );
      step('hot-add with updated metadata: configured without reboot, the others untouched', () =>
        run.hotAdd(),
      );
      step('hot-remove of a middle NIC: its configuration goes, the later NIC keeps its own', () =>
        run.hotRemove(),
      );
      step('the agent restarted mid-event configures the new NIC once and nothing else', () =>
        run.restartMidEvent(),
      );
    });
  }
});

after(() => {
  if (stacks.length === 0) return;
  console.log(figuresTable(figures));
  // the machine is shared: the load beside the wall time says what the figures were measured under
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `VM set (${stacks.join(', ')} side by side): images ${(imagesMs / 1000).toFixed(1)} s, guests ${((Date.now() - guestsFrom) / 1000).toFixed(1)} s wall, load average ${load}`,
  );
});
