/**
 * Error codes of the shared HTTP stack (src/server/): what a caller gets wrong at the HTTP level, before a
 * route's own logic runs. Loading this module registers them.
 *
 * @example
 *   import '../server/error-codes.ts'; // in an executable that serves HTTP with createApp
 */
import { defineErrors } from '../lib/errors.ts';

export const SERVER_ERRORS = defineErrors('server', {
  OSNET_ERR_HTTP_UNAUTHENTICATED: { http: 401, cni: 100, exit: 77, title: 'Missing or invalid credentials' },
  OSNET_ERR_HTTP_TOO_LARGE: { http: 413, cni: 7, exit: 65, title: 'Request body too large' },
  OSNET_ERR_HTTP_MEDIA_TYPE: { http: 415, cni: 7, exit: 65, title: 'Unsupported content type' },
});

type ServerErrors = typeof SERVER_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends ServerErrors {}
}
