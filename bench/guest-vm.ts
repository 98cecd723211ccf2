/**
 * osnet-guest in a real Debian 12 VM per network stack (QEMU with software emulation): the time from
 * QEMU's start, the guest-exec apply, and each QMP hot-plug command to the NIC being configured or
 * unconfigured. Runs the same scenarios as src/testing/guest/vm/real-vm.spec.ts, one VM at a time, and prints
 * the table; a scenario that fails prints its reason and leaves its figure out.
 *
 * Run: `node bench/guest-vm.ts [--stacks ifupdown,netplan,networkmanager]` (as root; images from
 * scripts/vm/build-images, cached).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { figuresTable } from '../src/testing/guest/vm/figures.ts';
import { images, STACKS, type Stack } from '../src/testing/guest/vm/images.ts';
import { type Figures, StackRun } from '../src/testing/guest/vm/scenarios.ts';

const { values: args } = parseArgs({ options: { stacks: { type: 'string', default: STACKS.join(',') } } });
const stacks = args.stacks.split(',').filter((s): s is Stack => (STACKS as readonly string[]).includes(s));
const t0 = Date.now();
const built = await images(stacks);
console.log(`images ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const figures = new Map<Stack, Figures>();
for (const stack of stacks) {
  const work = await mkdtemp(join(tmpdir(), `osv-bench-${stack}-`));
  const run = await StackRun.start(stack, built[stack], work);
  try {
    for (const step of ['firstBoot', 'agentExec', 'hotAdd', 'hotRemove', 'restartMidEvent'] as const) {
      try {
        await run[step]();
      } catch (e) {
        console.log(`${stack} ${step}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    figures.set(stack, run.figures);
    await run.stop();
    await rm(work, { recursive: true, force: true });
  }
}
console.log(figuresTable(figures));
