/**
 * One validator per render format, all with the same shape: the rendered files (and the config, which
 * the `ip` validator needs to build its namespace) in, errors and warnings out. The bar for a rendering is
 * zero of both.
 *
 * @example
 *   const r = await VALIDATORS.netplan(RENDERERS.netplan(cfg), cfg);
 *   assert.deepEqual([r.errors, r.warnings], [[], []]);
 */
import type { NetworkConfig } from '../../../guest/model/types.ts';
import type { Format, RenderedFile } from '../../../guest/render/types.ts';
import type { ValidationResult } from '../run.ts';
import { validateIfupdown } from './ifupdown.ts';
import { validateIp } from './ip.ts';
import { validateNetplan } from './netplan.ts';
import { validateNetworkd } from './networkd.ts';
import { validateNetworkManager } from './networkmanager.ts';
import { checkPowershell } from './powershell.ts';
import { powershellSyntaxErrors } from './powershell-grammar.ts';
import { checkSysconfig } from './sysconfig.ts';

export type { ValidationResult } from '../run.ts';

export const VALIDATORS: Record<
  Format,
  (files: RenderedFile[], cfg: NetworkConfig) => Promise<ValidationResult>
> = {
  ifupdown: (files) => validateIfupdown(files),
  netplan: async (files) => {
    // netplan's own check, then the networkd files it generated through real networkd as well.
    const r = await validateNetplan(files);
    const nd = await validateNetworkd(r.generated);
    return {
      tool: r.tool,
      errors: [...r.errors, ...nd.errors.map((e) => `generated: ${e}`)],
      warnings: r.warnings,
    };
  },
  sysconfig: async (files) => checkSysconfig(files),
  networkd: (files) => validateNetworkd(files),
  networkmanager: (files) => validateNetworkManager(files),
  powershell: async (files) => {
    // The PowerShell grammar (tree-sitter) for syntax, then osnet's structural rules.
    const syntax = (
      await Promise.all(
        files.map(async (f) => (await powershellSyntaxErrors(f.content)).map((e) => `${f.path}: ${e}`)),
      )
    ).flat();
    const r = checkPowershell(files);
    return {
      tool: 'tree-sitter PowerShell grammar + osnet checker',
      errors: [...syntax, ...r.errors],
      warnings: [],
    };
  },
  ip: (files, cfg) => validateIp(files, cfg),
};
