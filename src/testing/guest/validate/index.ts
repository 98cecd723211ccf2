/**
 * One validator per guest format, keyed by the names of src/guest/formats/index.ts (tsc asks for a new
 * format's validator here), all with the same shape: the rendered files (and the config, which the `ip`
 * validator needs to build its namespace) in, errors and warnings out. The bar for a rendering is zero of
 * both. Validators are test tooling (real daemons in namespaces, tree-sitter), so they live here and not
 * in the format folders.
 *
 * @example
 *   const r = await VALIDATORS.netplan(RENDERERS.netplan(cfg), cfg);
 *   assert.deepEqual([r.errors, r.warnings], [[], []]);
 */
import type { Format } from '../../../guest/formats/index.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import type { ValidationResult } from '../run.ts';
import { validateIfupdown } from './ifupdown.ts';
import { validateIp } from './ip.ts';
import { validateNetplanAndOutput } from './netplan.ts';
import { validateNetworkd } from './networkd.ts';
import { validateNetworkManager } from './networkmanager.ts';
import { validatePowershell } from './powershell.ts';
import { checkSysconfig } from './sysconfig.ts';

export type { ValidationResult } from '../run.ts';

export type Validator = (files: RenderedFile[], cfg: NetworkConfig) => Promise<ValidationResult>;

export const VALIDATORS: Record<Format, Validator> = {
  ifupdown: (files) => validateIfupdown(files),
  netplan: (files) => validateNetplanAndOutput(files),
  sysconfig: async (files) => checkSysconfig(files),
  networkd: (files) => validateNetworkd(files),
  networkmanager: (files) => validateNetworkManager(files),
  powershell: (files) => validatePowershell(files),
  ip: (files, cfg) => validateIp(files, cfg),
};
