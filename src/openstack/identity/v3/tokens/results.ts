/**
 * A validated Keystone v3 token (GET /v3/auth/tokens) as the API returns it, plus when Keystone answered.
 *
 * @example
 *   const info: TokenInfo = await tokens.validate(identity, subject);
 *   info.roles.map((r) => r.name);
 */

export interface TokenRef {
  id: string;
  name: string;
  domain?: { id: string; name: string };
}

export interface TokenInfo {
  /** Keystone's clock, like `issued_at`. */
  expires_at: string;
  issued_at: string;
  methods: string[];
  user: TokenRef;
  /** Present for a project-scoped token. */
  project?: TokenRef;
  /** Present for a domain-scoped token. */
  domain?: { id: string; name: string };
  roles: { id: string; name: string }[];
  /** Keystone's clock when it answered (its Date header; the local clock when it sent none), ms. */
  answeredAt: number;
}
