/**
 * Stable error codes for every osnet component (modelled on fastify's createError). Each code maps, in one
 * place, to an HTTP status, a CNI error code and a process exit code, so the CNI plugin, the daemons, the APIs
 * and the CLIs report the same failure the same way.
 *
 * Each capability owns the table of its codes (`src/<capability>/error-codes.ts`), made with `defineErrors`:
 * the table registers itself when its module is loaded, and adds its codes to `ErrorCode` by declaration
 * merging, so this module never imports a capability. An executable loads the tables of the capabilities it
 * runs; docs/errors.md lists every code (src/cmd/error-codes.test.ts keeps both true).
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_CONFIG', 'OS_AUTH_URL is not set', { field: 'OS_AUTH_URL' });
 */

export interface ErrorSpec {
  /** HTTP status an API answers with. */
  readonly http: number;
  /** CNI error code (SPEC: 1-7, 11, 50/51, 100+ plugin-specific). */
  readonly cni: number;
  /** Process exit code of a CLI. */
  readonly exit: number;
  readonly title: string;
}

export interface RegisteredError extends ErrorSpec {
  readonly code: string;
  /** The capability whose table defines the code (`lib`, `guest`, `openstack`, ...). */
  readonly owner: string;
}

const CODE = /^OSNET_ERR_[A-Z][A-Z0-9_]*$/;
const CNI_WELL_KNOWN = new Set([1, 2, 3, 4, 5, 6, 7, 11, 50, 51]);
const registry = new Map<string, RegisteredError>();

function checkSpec(code: string, s: ErrorSpec): void {
  const bad = (what: string) => {
    throw new TypeError(`error table: ${code}: ${what}`);
  };
  if (!CODE.test(code)) bad('code must look like OSNET_ERR_NAME');
  if (!Number.isInteger(s.http) || s.http < 400 || s.http > 599)
    bad(`http ${s.http} is not a 4xx/5xx status`);
  if (!Number.isInteger(s.cni) || !(CNI_WELL_KNOWN.has(s.cni) || s.cni >= 100))
    bad(`cni ${s.cni} is neither a well-known CNI code nor 100+`);
  // 0 is success and 126+ belong to the shell (not executable, not found, killed by a signal).
  if (!Number.isInteger(s.exit) || s.exit < 1 || s.exit > 125) bad(`exit ${s.exit} is not within 1-125`);
  if (!s.title) bad('title is empty');
}

/**
 * Registers a capability's codes and returns the table as given (its type is what a table merges into
 * `ErrorCodes`). A code already registered with another mapping, or by another owner, is a programming
 * error and throws at load; loading the same table twice is harmless.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(owner: string, table: T): T {
  const entries = Object.entries(table);
  // All checked before any is registered: a table loads whole or not at all.
  for (const [code, spec] of entries) {
    checkSpec(code, spec);
    const had = registry.get(code);
    const same =
      had?.owner === owner &&
      had.http === spec.http &&
      had.cni === spec.cni &&
      had.exit === spec.exit &&
      had.title === spec.title;
    if (had && !same) throw new TypeError(`error table ${owner}: ${code} is already defined by ${had.owner}`);
  }
  for (const [code, spec] of entries) {
    if (!registry.has(code))
      registry.set(code, { code, owner, http: spec.http, cni: spec.cni, exit: spec.exit, title: spec.title });
  }
  return table;
}

/** Codes every component may raise. */
export const LIB_ERRORS = defineErrors('lib', {
  OSNET_ERR_INTERNAL: { http: 500, cni: 100, exit: 1, title: 'Internal error' },
  OSNET_ERR_CONFIG: { http: 500, cni: 7, exit: 78, title: 'Invalid or missing configuration' },
  OSNET_ERR_VALIDATION: { http: 400, cni: 7, exit: 65, title: 'Invalid input' },
  OSNET_ERR_DECODE: { http: 400, cni: 6, exit: 65, title: 'Cannot decode input' },
  OSNET_ERR_IO: { http: 500, cni: 5, exit: 74, title: 'I/O error' },
  OSNET_ERR_UNSUPPORTED: { http: 400, cni: 2, exit: 64, title: 'Unsupported' },
  OSNET_ERR_PERMISSION: { http: 403, cni: 100, exit: 77, title: 'Permission denied' },
  OSNET_ERR_USAGE: { http: 400, cni: 4, exit: 64, title: 'Wrong command line or invocation' },
  OSNET_ERR_NOT_FOUND: { http: 404, cni: 3, exit: 1, title: 'No such resource' },
  // A failed tool is most often transient (a device busy, a daemon restarting): EX_TEMPFAIL.
  OSNET_ERR_COMMAND: { http: 500, cni: 100, exit: 75, title: 'A system command failed' },
});

type LibErrors = typeof LIB_ERRORS;

/** Every code by name: each capability's table merges its own into this interface. */
export interface ErrorCodes extends LibErrors {}

export type ErrorCode = keyof ErrorCodes & string;

/**
 * The mapping of a code. A code whose table the running executable did not load answers as
 * OSNET_ERR_INTERNAL (a 500, not a crash while reporting an error).
 */
export function errorSpec(code: string): RegisteredError {
  return registry.get(code) ?? { ...registry.get('OSNET_ERR_INTERNAL')!, code };
}

/** Every registered code, table by table in load order. */
export function errorCodes(): RegisteredError[] {
  return [...registry.values()];
}

export interface ErrorDetails {
  /** Which input field (JSON path, env var, flag) is wrong, when one is. */
  field?: string;
  cause?: unknown;
  [key: string]: unknown;
}

export class OsnetError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    const { cause, field, ...rest } = details;
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'OsnetError';
    this.code = code;
    this.field = field;
    this.details = rest;
  }

  get spec(): ErrorSpec {
    return errorSpec(this.code);
  }
  get httpStatus(): number {
    return this.spec.http;
  }
  get cniCode(): number {
    return this.spec.cni;
  }
  get exitCode(): number {
    return this.spec.exit;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...this.details,
    };
  }
}

/** Any thrown value as an OsnetError (unknown errors become OSNET_ERR_INTERNAL, message kept). */
export function toOsnetError(err: unknown): OsnetError {
  if (err instanceof OsnetError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new OsnetError('OSNET_ERR_INTERNAL', message, { cause: err });
}
