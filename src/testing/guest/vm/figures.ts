/**
 * The per-stack timing table of the real-VM scenarios, printed by the test and by bench/guest-vm.ts.
 *
 * @example
 *   console.log(figuresTable(new Map([['ifupdown', run.figures]])));
 */
import type { Stack } from './images.ts';
import type { Figures } from './scenarios.ts';

const COLUMNS: [keyof Figures, string][] = [
  ['bootToConfiguredMs', 'QEMU start → boot NICs answer s'],
  ['agentExecMs', 'guest-exec apply --b64 s'],
  ['addToConfiguredMs', 'QMP device_add → NIC answers s'],
  ['removeToUnconfiguredMs', 'QMP device_del → its files gone s'],
  ['restartMs', 'systemctl restart mid-event s'],
  ['restartAddToConfiguredMs', 'device_add (restart between) → answers s'],
];

export function figuresTable(figures: Map<Stack, Figures>): string {
  const s = (ms?: number) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
  const rows = [
    `| stack | ${COLUMNS.map(([, h]) => h).join(' | ')} |`,
    `| --- |${COLUMNS.map(() => ' ---: |').join('')}`,
    ...[...figures].map(([stack, f]) => `| ${stack} | ${COLUMNS.map(([k]) => s(f[k])).join(' | ')} |`),
  ];
  return rows.join('\n');
}
