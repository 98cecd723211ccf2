/**
 * The one error answer of every osnet HTTP API: `{ "error": { "code", "message", "field"? } }` with the
 * status of the code. Schema failures are 400 OSNET_ERR_VALIDATION naming the field's JSON path; an
 * OsnetError answers with its code's status; fastify's own client errors (bad JSON, too large, wrong type)
 * keep their status under an osnet code; anything else is a 500 whose message is generic, so no stack,
 * SQL or file path leaks out (the log has the detail).
 *
 * @example
 *   app.setErrorHandler(errorHandler);
 *   app.setNotFoundHandler(notFoundHandler);
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, OsnetError } from '../lib/errors.ts';
import { fieldMessage, fieldPath, type SchemaError } from './field-path.ts';
import './error-codes.ts';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(e: OsnetError): ErrorBody {
  return {
    error: { code: e.code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) },
  };
}

const CLIENT_CODES: Record<number, ErrorCode> = {
  400: 'OSNET_ERR_DECODE',
  413: 'OSNET_ERR_HTTP_TOO_LARGE',
  415: 'OSNET_ERR_HTTP_MEDIA_TYPE',
};

/** The OsnetError a thrown value answers as (see the module comment). */
export function toHttpError(err: unknown): { error: OsnetError; status: number; internal: boolean } {
  if (err instanceof OsnetError)
    return { error: err, status: err.httpStatus, internal: err.httpStatus >= 500 };
  const fe = err as Partial<FastifyError> & { validation?: SchemaError[] };
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const first = fe.validation[0]!;
    const field = fieldPath(fe.validationContext ?? 'body', first);
    const e = new OsnetError('OSNET_ERR_VALIDATION', fieldMessage(field, first), { field });
    return { error: e, status: 400, internal: false };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = CLIENT_CODES[status] ?? 'OSNET_ERR_VALIDATION';
    // fastify's client-error messages describe the request, never the server
    const e = new OsnetError(code, fe.message ?? 'bad request', status === 400 ? { field: 'body' } : {});
    return { error: e, status, internal: false };
  }
  return {
    error: new OsnetError('OSNET_ERR_INTERNAL', 'internal error (see the server log)'),
    status: 500,
    internal: true,
  };
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { error, status, internal } = toHttpError(err);
  if (internal) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
  else req.log.debug({ code: error.code, field: error.field }, 'request refused');
  void reply.code(status).send(errorBody(error));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  const path = req.url.split('?')[0];
  const e = new OsnetError('OSNET_ERR_NOT_FOUND', `no route ${req.method} ${path}`);
  void reply.code(404).send(errorBody(e));
}
