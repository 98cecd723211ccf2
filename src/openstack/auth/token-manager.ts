/**
 * Holds the current token: re-issues it before it expires and once after a 401, and makes concurrent
 * callers share one in-flight re-auth instead of each asking Keystone.
 *
 * @example
 *   const tm = new TokenManager(() => issueToken(transport, cfg));
 *   const t = await tm.get();
 */
import { localExpiry, monotonicNow, type Token } from './token.ts';

export interface TokenManagerOptions {
  /** Re-issue this long before expiry (default 5 min, or half the token's lifetime if shorter). */
  refreshMarginMs?: number;
  /** The local clock, in ms: the same one the issuer stamps `receivedAt` with. */
  now?: () => number;
}

export class TokenManager {
  private current: Token | undefined;
  private inflight: Promise<Token> | undefined;
  /** How many tokens were issued (for diagnostics and tests). */
  issued = 0;
  private readonly margin: number;
  private readonly now: () => number;

  private readonly issue: () => Promise<Token>;

  constructor(issue: () => Promise<Token>, opts: TokenManagerOptions = {}) {
    this.issue = issue;
    this.margin = opts.refreshMarginMs ?? 300_000;
    this.now = opts.now ?? monotonicNow;
  }

  async get(): Promise<Token> {
    const t = this.current;
    if (t && !this.expiring(t)) return t;
    return this.refresh();
  }

  /** Drops `stale` (the token a 401 came back for) unless a newer one is already held, then returns a valid token. */
  async renew(stale: Token): Promise<Token> {
    if (this.current && this.current.value !== stale.value && !this.expiring(this.current))
      return this.current;
    if (this.current?.value === stale.value) this.current = undefined;
    return this.refresh();
  }

  private refresh(): Promise<Token> {
    if (!this.inflight) {
      this.inflight = this.issue().then(
        (t) => {
          this.current = t;
          this.issued++;
          this.inflight = undefined;
          return t;
        },
        (e: unknown) => {
          this.inflight = undefined;
          throw e;
        },
      );
    }
    return this.inflight;
  }

  /** Judged on the token's own lifetime counted from its arrival, never by comparing clocks. */
  private expiring(t: Token): boolean {
    const life = t.expiresAt.getTime() - t.issuedAt.getTime();
    const margin = Math.min(this.margin, life / 2);
    return localExpiry(t) - this.now() <= margin;
  }
}
