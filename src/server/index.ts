/**
 * The shared HTTP server stack: app factory, listener, TLS settings, error answers and request metrics.
 *
 * @example
 *   import { createApp, listenOn, mutualTls } from '../server/index.ts';
 */
export { type App, type AppOptions, createApp, listenOn } from './app.ts';
export { type ErrorBody, errorBody, toHttpError } from './error-handler.ts';
export { httpMetrics } from './metrics.ts';
export {
  type MutualTls,
  mutualTls,
  PINNED_CIPHER,
  PINNED_VERSION,
  type ServerTls,
  serverTls,
  tlsOptions,
} from './tls.ts';
