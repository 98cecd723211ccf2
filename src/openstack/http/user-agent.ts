/**
 * The User-Agent every request carries, so operators can tell osnet's calls apart in service logs.
 * The version is package.json's, bundled in at build time.
 */
import pkg from '../../../package.json' with { type: 'json' };

export const USER_AGENT = `osnet/${pkg.version}`;
