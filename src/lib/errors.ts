/**
 * One registry of stable error codes for every osnet component (modelled on fastify's createError).
 * Each code maps, in this one place, to an HTTP status, a CNI error code and a process exit code,
 * so the CNI plugin, the daemons, the APIs and the CLIs report the same failure the same way.
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

export const ERRORS = {
  OSNET_ERR_INTERNAL: { http: 500, cni: 100, exit: 1, title: 'Internal error' },
  OSNET_ERR_CONFIG: { http: 500, cni: 7, exit: 78, title: 'Invalid or missing configuration' },
  OSNET_ERR_VALIDATION: { http: 400, cni: 7, exit: 65, title: 'Invalid input' },
  OSNET_ERR_DECODE: { http: 400, cni: 6, exit: 65, title: 'Cannot decode input' },
  OSNET_ERR_IO: { http: 500, cni: 5, exit: 74, title: 'I/O error' },
  OSNET_ERR_UNSUPPORTED: { http: 400, cni: 2, exit: 64, title: 'Unsupported' },
  OSNET_ERR_PERMISSION: { http: 403, cni: 100, exit: 77, title: 'Permission denied' },
  // OpenStack answers, one per typed client error
  OSNET_ERR_OS_BAD_REQUEST: { http: 400, cni: 7, exit: 65, title: 'OpenStack rejected the request' },
  OSNET_ERR_OS_UNAUTHORIZED: { http: 502, cni: 100, exit: 77, title: 'OpenStack authentication failed' },
  OSNET_ERR_OS_FORBIDDEN: { http: 403, cni: 100, exit: 77, title: 'OpenStack refused the operation' },
  OSNET_ERR_OS_NOT_FOUND: { http: 404, cni: 3, exit: 1, title: 'OpenStack resource not found' },
  OSNET_ERR_OS_CONFLICT: { http: 409, cni: 11, exit: 1, title: 'OpenStack conflict' },
  OSNET_ERR_OS_OVER_QUOTA: { http: 409, cni: 11, exit: 1, title: 'OpenStack quota exceeded' },
  OSNET_ERR_OS_PRECONDITION: { http: 412, cni: 11, exit: 1, title: 'OpenStack revision mismatch' },
  OSNET_ERR_OS_UNAVAILABLE: { http: 503, cni: 11, exit: 69, title: 'OpenStack service unavailable' },
  OSNET_ERR_OS_TIMEOUT: { http: 504, cni: 11, exit: 69, title: 'OpenStack request timed out' },
  OSNET_ERR_OS_UNEXPECTED: { http: 502, cni: 100, exit: 1, title: 'Unexpected OpenStack answer' },
  OSNET_ERR_OS_ENDPOINT: { http: 502, cni: 100, exit: 78, title: 'No matching endpoint in the catalog' },
  // osnet-guest
  OSNET_ERR_NIC_NOT_FOUND: {
    http: 404,
    cni: 3,
    exit: 69,
    title: 'No NIC on the system has the MAC a link names',
  },
  OSNET_ERR_APPLY: {
    http: 500,
    cni: 100,
    exit: 75,
    title: 'Applying the network configuration failed (rolled back)',
  },
  OSNET_ERR_SOURCE: { http: 503, cni: 100, exit: 69, title: 'Network configuration source unavailable' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

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
    return ERRORS[this.code];
  }
  get httpStatus(): number {
    return ERRORS[this.code].http;
  }
  get cniCode(): number {
    return ERRORS[this.code].cni;
  }
  get exitCode(): number {
    return ERRORS[this.code].exit;
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
