/**
 * The CNI_* environment (SPEC section 2), checked per verb: ADD and CHECK need a container, a netns and
 * an interface; DEL tolerates a missing netns; GC needs CNI_PATH only; STATUS and VERSION need nothing
 * but the command. Errors are CNI code 4 and name the variable.
 */
import { CNI_ERR, CniError } from './errors.ts';
import { type CniVerb, VERBS } from './versions.ts';

export interface CniEnv {
  command: CniVerb;
  containerId?: string;
  netns?: string;
  ifname?: string;
  /** CNI_ARGS pairs (a null-prototype record; later duplicates win); only for ADD, CHECK, DEL. */
  args: Record<string, string>;
  /** CNI_PATH split on ':' (empty entries dropped). */
  path: string[];
}

const NEEDS: Record<CniVerb, readonly string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  GC: ['CNI_PATH'],
  STATUS: [],
  VERSION: [],
};

/** SPEC: starts alphanumeric, then alphanumerics, '_', '.', '-'. */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Linux IFNAMSIZ is 16 with the NUL. */
const MAX_IFNAME = 15;

function envError(name: string, what: string): CniError {
  return new CniError(CNI_ERR.INVALID_ENV, `${name} ${what}`, { field: name });
}

export function checkIfname(name: string, v: string): string {
  if (v === '.' || v === '..') throw envError(name, `must not be "${v}"`);
  if (Buffer.byteLength(v) > MAX_IFNAME)
    throw envError(name, `must be at most ${MAX_IFNAME} bytes (got ${JSON.stringify(v)})`);
  if (/[/:\s]/.test(v))
    throw envError(name, `must not contain '/', ':' or whitespace (got ${JSON.stringify(v)})`);
  return v;
}

/**
 * CNI_ARGS: "K=V;K2=V2". A value may itself contain '=' (only the first splits); empty segments
 * (a trailing ';') are tolerated; a segment without '=' or with an empty key is an error.
 */
export function parseCniArgs(raw: string | undefined, name = 'CNI_ARGS'): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (raw === undefined || raw === '') return out;
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw envError(name, `has ${JSON.stringify(pair)}, which is not KEY=VALUE`);
    const key = pair.slice(0, eq);
    if (!/^[A-Za-z0-9_.-]+$/.test(key))
      throw envError(name, `key ${JSON.stringify(key)} must be alphanumeric`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

export function parseEnv(env: Readonly<Record<string, string | undefined>>): CniEnv {
  const command = env.CNI_COMMAND;
  if (command === undefined || command === '') throw envError('CNI_COMMAND', 'is not set');
  if (!(VERBS as readonly string[]).includes(command)) {
    throw envError('CNI_COMMAND', `${JSON.stringify(command)} is not one of ${VERBS.join(', ')}`);
  }
  const verb = command as CniVerb;
  const missing = NEEDS[verb].filter((n) => env[n] === undefined || env[n] === '');
  if (missing.length > 0) {
    throw new CniError(CNI_ERR.INVALID_ENV, `${verb} needs ${missing.join(', ')} (not set)`, {
      field: missing.join(','),
    });
  }
  const out: CniEnv = { command: verb, args: parseCniArgs(undefined), path: [] };
  const attachment = verb === 'ADD' || verb === 'CHECK' || verb === 'DEL';
  if (attachment) {
    const id = env.CNI_CONTAINERID!;
    if (!CONTAINER_ID.test(id)) {
      throw envError(
        'CNI_CONTAINERID',
        `must start with a letter or digit, then letters, digits, '_', '.', '-' (got ${JSON.stringify(id)})`,
      );
    }
    out.containerId = id;
    out.ifname = checkIfname('CNI_IFNAME', env.CNI_IFNAME!);
    if (env.CNI_NETNS !== undefined && env.CNI_NETNS !== '') out.netns = env.CNI_NETNS;
    out.args = parseCniArgs(env.CNI_ARGS);
  }
  if (env.CNI_PATH !== undefined) out.path = env.CNI_PATH.split(':').filter((d) => d !== '');
  if (verb === 'GC' && out.path.length === 0) throw envError('CNI_PATH', 'lists no directory');
  return out;
}
