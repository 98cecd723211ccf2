/**
 * CNI error results (SPEC "Error"): `{cniVersion, code, msg, details}`, printed on stdout with a
 * non-zero exit. Each spec version reserves its own set of well-known codes; osnet maps a code the
 * target version does not define to the plugin-specific 100 + code, so old runtimes never see a
 * reserved code used against its meaning.
 */
import { OsnetError } from '../lib/errors.ts';

export const CNI_ERR = {
  INCOMPATIBLE_VERSION: 1,
  UNSUPPORTED_FIELD: 2,
  UNKNOWN_CONTAINER: 3,
  INVALID_ENV: 4,
  IO: 5,
  DECODE: 6,
  INVALID_CONFIG: 7,
  TRY_AGAIN_LATER: 11,
  /** STATUS: cannot service ADD. */
  NOT_AVAILABLE: 50,
  /** STATUS: cannot service ADD, and existing containers may have limited connectivity. */
  NOT_AVAILABLE_LIMITED: 51,
  /** osnet's own failures (OsnetError codes without a well-known CNI meaning). */
  INTERNAL: 100,
} as const;

/** The well-known codes each spec version defines (0.3.x: 1, 2; 0.4.0 adds 3, 11; 1.0.0 adds 4-7; 1.1.0 adds 50, 51). */
const WELL_KNOWN: Record<string, readonly number[]> = {
  '0.3.0': [1, 2],
  '0.3.1': [1, 2],
  '0.4.0': [1, 2, 3, 11],
  '1.0.0': [1, 2, 3, 4, 5, 6, 7, 11],
  '1.1.0': [1, 2, 3, 4, 5, 6, 7, 11, 50, 51],
};

export interface CniErrorOptions {
  /** The input field (env var, JSON path) at fault, when one is; the message names it too. */
  field?: string;
  /** The longer text of the error result. */
  details?: string;
  cause?: unknown;
}

export class CniError extends Error {
  readonly code: number;
  readonly field: string | undefined;
  readonly details: string | undefined;

  constructor(code: number, message: string, opts: CniErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CniError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export interface CniErrorResult {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** The code as `version` allows it: well-known there, plugin-specific already, or 100 + code. */
export function codeForVersion(code: number, version: string): number {
  if (code >= 100) return code;
  const known = WELL_KNOWN[version] ?? WELL_KNOWN['1.1.0']!;
  return known.includes(code) ? code : 100 + code;
}

/** Any thrown value as a CniError: OsnetErrors keep their registry's CNI code and name their osnet code. */
export function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  if (err instanceof OsnetError) {
    const where = err.field === undefined ? '' : ` (field ${err.field})`;
    return new CniError(err.cniCode, err.message, {
      ...(err.field === undefined ? {} : { field: err.field }),
      details: `${err.code}: ${err.spec.title}${where}`,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CniError(CNI_ERR.INTERNAL, message || 'internal error', { cause: err });
}

/** The error result for `version` (the config's version, or the newest when it is unknown). */
export function cniErrorResult(err: unknown, version: string): CniErrorResult {
  const e = toCniError(err);
  const code = codeForVersion(e.code, version);
  const since = Object.keys(WELL_KNOWN).find((v) => WELL_KNOWN[v]!.includes(e.code));
  const shifted =
    code === e.code ? undefined : `code ${code} stands for code ${e.code} of CNI ${since} and later`;
  const details = [e.details, shifted].filter((d) => d !== undefined && d !== '').join('; ');
  return { cniVersion: version, code, msg: e.message, ...(details === '' ? {} : { details }) };
}

/** Reads another plugin's error output (stdout of a failed call) back into a CniError; undefined when it is not one. */
export function parseErrorResult(text: string): CniError | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const { code, msg, details } = v as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 0) return undefined;
  return new CniError(code, typeof msg === 'string' && msg !== '' ? msg : `error code ${code}`, {
    ...(typeof details === 'string' && details !== '' ? { details } : {}),
  });
}
