/**
 * osnet-guest in a real Debian 12 VM (QEMU, software emulation), one guest per network stack with the
 * scenarios in sequence inside it; see src/testing/guest/vm/scenarios.ts and docs/guest.md "In a real VM".
 * The images come from scripts/vm/build-images (cached; scripts/test builds them before the tests).
 * OSNET_VM_STACKS=ifupdown,netplan (or all) says which stacks run; none when unset.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { figuresTable } from './figures.ts';
import { type Image, images, STACKS, type Stack } from './images.ts';
import { type Figures, StackRun } from './scenarios.ts';

// The VMs run where OSNET_VM_STACKS names their stacks (`all` for every one): about 3 min per stack under
// software emulation, so the suite runs what scripts/test sets, and a bare `node --test` none.
const wanted =
  process.env.OSNET_VM_STACKS === 'all' ? [...STACKS] : (process.env.OSNET_VM_STACKS?.split(',') ?? []);
const stacks = wanted.filter((s): s is Stack => (STACKS as readonly string[]).includes(s));
if (stacks.length === 0)
  test('real VM scenarios', {
    skip: 'OSNET_VM_STACKS names no stack (ifupdown, netplan, networkmanager or all)',
  }, () => {});
const figures = new Map<Stack, Figures>();
let built: Record<Stack, Image>;

before(
  async () => {
    if (stacks.length > 0) built = await images(stacks);
  },
  { timeout: 20 * 60_000 },
);

for (const stack of stacks) {
  describe(`real VM, ${stack}`, { timeout: 10 * 60_000 }, () => {
    let run: StackRun;
    let work: string;
    let failed = false;
    before(async () => {
      work = await mkdtemp(join(tmpdir(), `osv-${stack}-`));
      run = await StackRun.start(stack, built[stack], work);
    });
    after(async (t) => {
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
            .sh('journalctl --no-pager -o short-precise -u "osnet-guest*" -t osnet-guest')
            .then((log) => writeFile(join(work, 'agent.log'), log))
            .catch(() => undefined);
          throw e;
        }
      });
    step('first boot configures every NIC from the config drive', () => run.firstBoot());
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

after(() => {
  console.log(figuresTable(figures));
});
