/**
 * Keystone v3 token validation.
 *
 * @example
 *   import * as tokens from './tokens/index.ts';
 *   const info = await tokens.validate(identity, subject);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
