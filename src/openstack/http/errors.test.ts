import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerSecret } from '../../lib/redact.ts';
import {
  BadRequestError,
  ConflictError,
  errorForStatus,
  ForbiddenError,
  NotFoundError,
  OverQuotaError,
  PreconditionFailedError,
  parseServiceError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedResponseError,
} from './errors.ts';

test('service messages from Neutron, Keystone, Nova and plain bodies', () => {
  assert.deepEqual(
    parseServiceError({
      NeutronError: { type: 'PortNotFound', message: 'Port x could not be found.', detail: '' },
    }),
    { message: 'Port x could not be found.', type: 'PortNotFound' },
  );
  assert.deepEqual(
    parseServiceError({
      error: {
        code: 401,
        message: 'The request you have made requires authentication.',
        title: 'Unauthorized',
      },
    }),
    {
      message: 'The request you have made requires authentication.',
      type: 'Unauthorized',
    },
  );
  assert.deepEqual(
    parseServiceError({ itemNotFound: { code: 404, message: 'Instance y could not be found.' } }),
    {
      message: 'Instance y could not be found.',
      type: 'itemNotFound',
    },
  );
  assert.deepEqual(parseServiceError('<html>502 Bad Gateway</html>'), {
    message: '<html>502 Bad Gateway</html>',
  });
  assert.deepEqual(parseServiceError(undefined), {});
});

test('status → typed error, with the OSNET code and request id', () => {
  const info = { method: 'GET', url: 'http://n/v2.0/ports/x', requestId: 'req-1' };
  const table: [number, string | undefined, string | undefined, new (...a: never[]) => Error, string][] = [
    [400, undefined, undefined, BadRequestError, 'OSNET_ERR_OS_BAD_REQUEST'],
    [401, undefined, undefined, UnauthorizedError, 'OSNET_ERR_OS_UNAUTHORIZED'],
    [403, undefined, 'not allowed', ForbiddenError, 'OSNET_ERR_OS_FORBIDDEN'],
    [
      403,
      undefined,
      'Quota exceeded for cores: Requested 2, but already used 20 of 20 cores',
      OverQuotaError,
      'OSNET_ERR_OS_OVER_QUOTA',
    ],
    [403, undefined, 'rule:update_quota is disallowed by policy', ForbiddenError, 'OSNET_ERR_OS_FORBIDDEN'],
    [404, 'PortNotFound', undefined, NotFoundError, 'OSNET_ERR_OS_NOT_FOUND'],
    [409, 'OverQuota', 'Quota exceeded for resources: [port]', OverQuotaError, 'OSNET_ERR_OS_OVER_QUOTA'],
    [409, 'IpAddressAlreadyAllocated', undefined, ConflictError, 'OSNET_ERR_OS_CONFLICT'],
    [412, undefined, undefined, PreconditionFailedError, 'OSNET_ERR_OS_PRECONDITION'],
    [413, undefined, undefined, OverQuotaError, 'OSNET_ERR_OS_OVER_QUOTA'],
    [503, undefined, undefined, ServiceUnavailableError, 'OSNET_ERR_OS_UNAVAILABLE'],
    [504, undefined, undefined, TimeoutError, 'OSNET_ERR_OS_TIMEOUT'],
    [500, undefined, undefined, UnexpectedResponseError, 'OSNET_ERR_OS_UNEXPECTED'],
  ];
  for (const [status, type, msg, cls, code] of table) {
    const e = errorForStatus({ ...info, status, serviceType: type, serviceMessage: msg });
    assert.ok(e instanceof cls, `${status} ${type} → ${cls.name}, got ${e.constructor.name}`);
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    assert.equal(e.requestId, 'req-1');
    assert.match(e.message, /^GET http:\/\/n\/v2\.0\/ports\/x: .*\(request req-1\)$/);
  }
});

test('secrets in a service message or URL are redacted from the error', () => {
  registerSecret('hunter2-super-secret');
  const e = errorForStatus({
    status: 400,
    method: 'POST',
    url: 'http://k/v3/x?p=hunter2-super-secret',
    serviceMessage: 'bad password hunter2-super-secret',
  });
  assert.doesNotMatch(e.message, /hunter2/);
  assert.doesNotMatch(JSON.stringify(e), /hunter2/);
  assert.doesNotMatch(e.url, /hunter2/);
});
