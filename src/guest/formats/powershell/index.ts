/**
 * Windows PowerShell (`/etc/osnet/apply-networking.ps1`): apply runs the script, on Windows only. DNS is
 * set by the script.
 *
 * @example
 *   powershell.apply.driver({ root: 'C:\\' }).after({ up: [], down: [], dns: [] }, changes); // [['powershell.exe', ...]]
 */
import { join } from 'node:path';
import { OsnetError } from '../../../lib/errors.ts';
import type { GuestFormat } from '../types.ts';
import { renderPowershell } from './render.ts';

export const powershell = {
  name: 'powershell',
  render: renderPowershell,
  apply: {
    kind: 'files',
    driver: (opts) => ({
      before: () => [],
      after: (_n, changes) => {
        if (process.platform !== 'win32') {
          throw new OsnetError(
            'OSNET_ERR_UNSUPPORTED',
            'the powershell format is applied on Windows only; use render',
            {
              field: '--format',
            },
          );
        }
        return changes
          .filter((c) => c.action !== 'remove')
          .map((c) => [
            'powershell.exe',
            '-NoProfile',
            '-ExecutionPolicy',
            'Bypass',
            '-File',
            join(opts.root, c.path),
          ]);
      },
    }),
  },
  ownsDns: () => false,
} as const satisfies GuestFormat;
