/**
 * A small logger for short-lived commands (a udev NIC event is a process): JSON lines in pino's shape (level
 * number, time in ms, pid, hostname, name, the object's fields, msg) on a file descriptor, with the redaction of
 * src/lib/log.ts (the same paths, masked '***', and every argument through redactObject/redactText). pino
 * costs such a process about 7 MiB and 40 ms of start; this module loads only node:os.
 * No child loggers, bindings or printf-style arguments: a caller that needs them takes src/lib/log.ts.
 *
 * @example
 *   const log = lineLogger('osnet-guest');
 *   log.info({ nic: 'ens4' }, 'NIC event');
 */
import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { MASK, redactObject, redactText } from './redact.ts';

/** pino's redact paths of src/lib/log.ts (it takes them from here: one list). */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'auth.password',
  'auth.application_credential_secret',
  'auth.token',
];

/** pino's level numbers. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof LEVELS;

export type LogFn = (objOrMsg: unknown, msg?: string) => void;

/** What the guest agent and the short-lived commands call on a logger: pino's Logger has it too. */
export interface Log {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
}

/** `a`, `*.a`, `a.b`, `a["b"]` as key lists ('*': any key). */
const PATHS: string[][] = REDACT_PATHS.map((p) => p.split(/\.|\["|"\]/).filter((k) => k !== ''));

function censor(obj: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const keys = head === '*' ? Object.keys(obj) : Object.hasOwn(obj, head) ? [head] : [];
  for (const k of keys) {
    if (rest.length === 0) obj[k] = MASK;
    else {
      const v = obj[k];
      if (v && typeof v === 'object' && !Array.isArray(v)) censor(v as Record<string, unknown>, rest);
    }
  }
}

function levelOf(name: string): number {
  if (name === 'silent') return Number.POSITIVE_INFINITY;
  if (Object.hasOwn(LEVELS, name)) return LEVELS[name as LevelName];
  throw new Error(`OSNET_LOG_LEVEL: unknown level ${name}`);
}

/** Writes all of `line` even to a non-blocking pipe (EAGAIN: try again). */
function writeAll(fd: number, line: string): void {
  let buf = Buffer.from(line);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

/** `level`: OSNET_LOG_LEVEL as in src/lib/log.ts, else info. `fd` 2: stderr. */
export function lineLogger(name: string, fd = 2, level: string = process.env.OSNET_LOG_LEVEL ?? 'info'): Log {
  const min = levelOf(level);
  const head = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"name":${JSON.stringify(name)}`;
  const at = (n: number): LogFn => {
    if (n < min) return () => {};
    return (objOrMsg, msg) => {
      let fields: Record<string, unknown> = {};
      let text = msg;
      if (typeof objOrMsg === 'string') text = objOrMsg;
      else if (objOrMsg instanceof Error) {
        // as pino: an error alone logs as `err`, its message as msg
        fields = { err: redactObject(objOrMsg) };
        text ??= objOrMsg.message;
      } else if (objOrMsg && typeof objOrMsg === 'object') {
        fields = redactObject(objOrMsg) as Record<string, unknown>;
        for (const p of PATHS) censor(fields, p);
      }
      let out = `{"level":${n},"time":${Date.now()}${head}`;
      const body = JSON.stringify(fields);
      if (body !== '{}') out += `,${body.slice(1, -1)}`;
      if (text !== undefined) out += `,"msg":${JSON.stringify(redactText(String(text)))}`;
      writeAll(fd, `${out}}\n`);
    };
  };
  return {
    trace: at(LEVELS.trace),
    debug: at(LEVELS.debug),
    info: at(LEVELS.info),
    warn: at(LEVELS.warn),
    error: at(LEVELS.error),
    fatal: at(LEVELS.fatal),
  };
}
