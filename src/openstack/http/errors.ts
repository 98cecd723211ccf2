/**
 * Typed errors for OpenStack answers (gophercloud's ErrUnexpectedResponseCode family). Each carries the
 * HTTP status, the service's request id and the service's own message, never a token or password.
 * They live at the HTTP layer because the transport and the token issue raise them too;
 * client/errors.ts re-exports them for callers.
 *
 * @example
 *   try { await ports.get(net, id) } catch (e) { if (e instanceof NotFoundError) ... }
 */
import { type ErrorCode, OsnetError } from '../../lib/errors.ts';
import { redactText } from '../../lib/redact.ts';

export interface OpenStackErrorInfo {
  status: number;
  method: string;
  url: string;
  requestId?: string | undefined;
  /** The service's message (NeutronError.message, Keystone error.message, ...). */
  serviceMessage?: string | undefined;
  /** The service's error type when it gives one (NeutronError.type, e.g. OverQuota, PortNotFound). */
  serviceType?: string | undefined;
  cause?: unknown;
}

export class OpenStackError extends OsnetError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly requestId: string | undefined;
  readonly serviceMessage: string | undefined;
  readonly serviceType: string | undefined;

  constructor(code: ErrorCode, info: OpenStackErrorInfo) {
    const where = `${info.method} ${redactText(info.url)}`;
    const what = info.serviceMessage ? redactText(info.serviceMessage) : `HTTP ${info.status}`;
    const rid = info.requestId ? ` (request ${info.requestId})` : '';
    super(code, `${where}: ${what}${rid}`, {
      cause: info.cause,
      status: info.status,
      requestId: info.requestId,
      serviceType: info.serviceType,
    });
    this.name = new.target.name;
    this.status = info.status;
    this.method = info.method;
    this.url = redactText(info.url);
    this.requestId = info.requestId;
    this.serviceMessage = info.serviceMessage === undefined ? undefined : redactText(info.serviceMessage);
    this.serviceType = info.serviceType;
  }
}

export class BadRequestError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_BAD_REQUEST', i);
  }
}
export class UnauthorizedError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_UNAUTHORIZED', i);
  }
}
export class ForbiddenError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_FORBIDDEN', i);
  }
}
export class NotFoundError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_NOT_FOUND', i);
  }
}
export class ConflictError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_CONFLICT', i);
  }
}
export class OverQuotaError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_OVER_QUOTA', i);
  }
}
/** 412: an If-Match revision did not match (someone else changed the resource). */
export class PreconditionFailedError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_PRECONDITION', i);
  }
}
/** 502/503/504, or the service could not be reached at all (status 0). */
export class ServiceUnavailableError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_UNAVAILABLE', i);
  }
}
/**
 * The request provably never reached the service: the connection could not be made, or no connection (or
 * concurrency slot) became free in time, so nothing was written. Safe to retry for any method, POST included.
 */
export class NotSentError extends ServiceUnavailableError {
  readonly sent = false;
}
/** No (complete) answer in time after the request was sent: it may have been applied. */
export class TimeoutError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_TIMEOUT', i);
  }
}
export class UnexpectedResponseError extends OpenStackError {
  constructor(i: OpenStackErrorInfo) {
    super('OSNET_ERR_OS_UNEXPECTED', i);
  }
}

/** The service's message and error type out of any OpenStack error body shape. */
export function parseServiceError(body: unknown): { message?: string; type?: string } {
  if (typeof body === 'string') return body.trim() ? { message: body.trim().slice(0, 500) } : {};
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  // Neutron: {"NeutronError": {"type": "...", "message": "...", "detail": ""}}
  const ne = b.NeutronError;
  if (ne && typeof ne === 'object') {
    const n = ne as Record<string, unknown>;
    return { message: str(n.message), type: str(n.type) };
  }
  // Keystone: {"error": {"code": 404, "message": "...", "title": "Not Found"}}
  const ke = b.error;
  if (ke && typeof ke === 'object') {
    const k = ke as Record<string, unknown>;
    return { message: str(k.message), type: str(k.title) };
  }
  if (typeof b.message === 'string') return { message: b.message };
  // Nova/Cinder/Glance: {"itemNotFound": {"code": 404, "message": "..."}}
  const [key] = Object.keys(b);
  const inner = key === undefined ? undefined : b[key];
  if (
    key &&
    inner &&
    typeof inner === 'object' &&
    typeof (inner as Record<string, unknown>).message === 'string'
  ) {
    return { message: (inner as Record<string, string>).message, type: key };
  }
  return {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Maps an HTTP answer to the typed error for it. */
export function errorForStatus(info: OpenStackErrorInfo): OpenStackError {
  const s = info.status;
  if (info.serviceType === 'OverQuota' || s === 413) return new OverQuotaError(info);
  if (s === 400) return new BadRequestError(info);
  if (s === 401) return new UnauthorizedError(info);
  if (s === 403) {
    // Nova and Cinder answer 403 "Quota exceeded for ..."; a policy refusal may also mention quota rules
    return /quota exceeded|exceeds? .*quota/i.test(info.serviceMessage ?? '')
      ? new OverQuotaError(info)
      : new ForbiddenError(info);
  }
  if (s === 404) return new NotFoundError(info);
  if (s === 409) return new ConflictError(info);
  if (s === 412) return new PreconditionFailedError(info);
  if (s === 408 || s === 504) return new TimeoutError(info);
  if (s === 502 || s === 503) return new ServiceUnavailableError(info);
  return new UnexpectedResponseError(info);
}
