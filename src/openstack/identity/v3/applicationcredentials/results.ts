/**
 * Keystone v3 application credential. Only the create answer carries the secret.
 *
 * @example
 *   const c: ApplicationCredentialWithSecret = await applicationcredentials.create(identity, userId, { name: 'ci' });
 */
import type { Links } from '../common.ts';

export interface ApplicationCredentialRole {
  id: string;
  name: string;
  domain_id: string | null;
}

export interface AccessRule {
  id?: string;
  service: string;
  method: string;
  path: string;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  description: string | null;
  /** The project the credential is scoped to (the one of the token that created it). */
  project_id: string;
  roles: ApplicationCredentialRole[];
  expires_at: string | null;
  /** True lets the credential create other credentials and trusts. */
  unrestricted: boolean;
  access_rules?: AccessRule[];
  links: Links;
}

/** The create answer: the only time Keystone shows the secret. Store it; never log it. */
export interface ApplicationCredentialWithSecret extends ApplicationCredential {
  secret: string;
}
