/**
 * Where network_data.json comes from: config drive, metadata service, a file, stdin, or a base64
 * argument. `auto` prefers the config drive (no network needed) for the first sync of a boot, falling back to
 * the metadata service, and reads the metadata service alone once a sync of this boot has succeeded.
 *
 * @example
 *   const { raw, origin } = await loadSource({ source: 'file', input: '/tmp/network_data.json' });
 */
import { readFile } from 'node:fs/promises';
import { OsnetError } from '../../lib/errors.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import { type ConfigDriveOptions, findConfigDrive, readConfigDrive } from './config-drive.ts';
import { decodeBase64Json, decodeJson } from './decode.ts';
import { DEFAULT_METADATA_URL, fetchMetadata, type MetadataOptions } from './metadata.ts';

export const SOURCES = ['auto', 'config-drive', 'metadata', 'file', 'stdin'] as const;
export type SourceKind = (typeof SOURCES)[number];

export interface SourceOptions {
  source?: SourceKind;
  /** File for `file` (also implies it when source is auto). */
  input?: string;
  /** Base64 JSON given on the command line; wins over source. */
  b64?: string;
  metadata?: MetadataOptions;
  configDrive?: ConfigDriveOptions;
  stdin?: NodeJS.ReadableStream;
  log?: Logger;
  /**
   * A sync of this boot already succeeded: `auto` then reads the metadata service only. Nova writes the
   * config drive once, at boot, and never updates it, so after boot it is stale for every NIC event.
   */
  bootSynced?: boolean;
}

export interface Loaded {
  raw: unknown;
  /** Human-readable origin for logs and errors. */
  origin: string;
}

async function readStream(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and JSON-decodes network_data.json from the chosen source (not yet validated: see parse). */
export async function loadSource(opts: SourceOptions): Promise<Loaded> {
  if (opts.b64 !== undefined) return { raw: decodeBase64Json(opts.b64), origin: '--b64' };
  let source = opts.source ?? 'auto';
  if (!(SOURCES as readonly string[]).includes(source)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', `--source must be one of ${SOURCES.join(', ')}`, {
      field: '--source',
    });
  }
  if (source === 'auto' && opts.input) source = 'file';
  switch (source) {
    case 'file': {
      if (!opts.input)
        throw new OsnetError('OSNET_ERR_VALIDATION', '--input FILE is required for --source file', {
          field: '--input',
        });
      let text: string;
      try {
        text = await readFile(opts.input, 'utf8');
      } catch (cause) {
        throw new OsnetError('OSNET_ERR_IO', `cannot read ${opts.input}`, { field: '--input', cause });
      }
      return { raw: decodeJson(text, opts.input), origin: opts.input };
    }
    case 'stdin':
      return { raw: decodeJson(await readStream(opts.stdin ?? process.stdin), 'stdin'), origin: 'stdin' };
    case 'config-drive':
      return { raw: await readConfigDrive(opts.configDrive), origin: 'config-drive' };
    case 'metadata':
      return {
        raw: await fetchMetadata({ ...opts.metadata, ...(opts.log ? { log: opts.log } : {}) }),
        origin: opts.metadata?.url ?? DEFAULT_METADATA_URL,
      };
    default: {
      if (opts.bootSynced) return loadSource({ ...opts, source: 'metadata' });
      const hasDrive =
        opts.configDrive?.dir !== undefined || (await findConfigDrive(opts.configDrive)) !== undefined;
      if (hasDrive) return { raw: await readConfigDrive(opts.configDrive), origin: 'config-drive' };
      opts.log?.info('no config drive; using the metadata service');
      return loadSource({ ...opts, source: 'metadata' });
    }
  }
}
