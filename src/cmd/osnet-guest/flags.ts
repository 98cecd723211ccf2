/**
 * The parsed flags of osnet-guest's subcommands and the source options they make. Types and pure code only:
 * the CLI definition and every subcommand's action share it without loading anything.
 */
import type { Format } from '../../guest/formats/index.ts';
import type { SourceKind, SourceOptions } from '../../guest/source/index.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';

export interface SourceFlags {
  source?: SourceKind;
  input?: string;
  b64?: string;
  metadataUrl?: string;
  metadataAttempts?: number;
  configDriveDir?: string;
}

export interface TargetFlags {
  format?: Format;
  root: string;
  macMap?: string;
  sysRoot?: string;
  netns?: string;
  reconfigure?: boolean;
  verify?: boolean;
  nicKinds?: string;
}

export function sourceOptions(o: SourceFlags, log: Logger): SourceOptions {
  return {
    ...(o.source ? { source: o.source } : {}),
    ...(o.input ? { input: o.input } : {}),
    ...(o.b64 !== undefined ? { b64: o.b64 } : {}),
    metadata: {
      ...(o.metadataUrl ? { url: o.metadataUrl } : {}),
      ...(o.metadataAttempts ? { attempts: o.metadataAttempts } : {}),
    },
    ...(o.configDriveDir ? { configDrive: { dir: o.configDriveDir } } : {}),
    log,
  };
}
