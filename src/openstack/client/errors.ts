/**
 * The typed OpenStack errors, for callers of the client. They are defined in http/errors.ts, below the
 * transport and the token issue that raise them.
 *
 * @example
 *   try { await ports.get(net, id) } catch (e) { if (e instanceof NotFoundError) ... }
 */
export * from '../http/errors.ts';
