/**
 * Keystone v3 application credentials of a user: create (the secret is returned once), get, list, delete.
 * Only the user itself may create one (Keystone's policy), with a token scoped to the project it is for.
 *
 * @example
 *   const cred = await applicationcredentials.create(identity, token.userId, { name: 'ci' });
 *   await saveSecretSomewhere(cred.id, cred.secret);
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import type { AccessRule, ApplicationCredential, ApplicationCredentialWithSecret } from './results.ts';
import { applicationCredentialsUrl, applicationCredentialUrl } from './urls.ts';

/** Body of POST /v3/users/{user_id}/application_credentials (JSON body under "application_credential"). */
export interface CreateOpts {
  name: string;
  description?: string;
  /** Chosen by the caller; Keystone generates one when omitted. */
  secret?: string;
  /** ISO 8601; omit for no expiry. */
  expires_at?: string;
  /** A subset of the creator's roles on the project; default all of them. */
  roles?: ({ id: string } | { name: string })[];
  unrestricted?: boolean;
  access_rules?: Omit<AccessRule, 'id'>[];
}

/** Query filters of GET /v3/users/{user_id}/application_credentials. */
export interface ListFilters {
  name?: string;
}

/** The credentials of one user: a resource nested under `users/{user_id}`. */
function ofUser(userId: string) {
  return resource<ApplicationCredential, CreateOpts, never, ListFilters, ApplicationCredentialWithSecret>({
    name: 'application_credential',
    plural: 'application_credentials',
    collection: applicationCredentialsUrl(userId),
    item: (id) => applicationCredentialUrl(userId, id),
    checkCreate: (body, path) => requireString(body, 'name', path),
    // the secret is sent (when chosen) and returned once by create: never let it reach a log
    secrets: ['secret'],
  });
}

/**
 * Creates a credential of `userId` (only the user itself may); the answer holds the secret, once.
 *
 * @example
 *   const cred = await create(identity, token.userId, { name: 'ci' });
 */
export function create(
  client: ServiceClient,
  userId: string,
  opts: CreateOpts,
): Promise<ApplicationCredentialWithSecret> {
  return ofUser(userId).create(client, opts);
}

/** One credential (without its secret). @example await get(identity, userId, credId) */
export function get(client: ServiceClient, userId: string, id: string): Promise<ApplicationCredential> {
  return ofUser(userId).get(client, id);
}

/** The user's credentials. @example for await (const c of list(identity, userId, { name: 'ci' })) {} */
export function list(
  client: ServiceClient,
  userId: string,
  filters: ListFilters = {},
): AsyncGenerator<ApplicationCredential, void, undefined> {
  return ofUser(userId).list(client, filters);
}

/** Deletes a credential (tokens made from it stop working). @example await remove(identity, userId, credId) */
export function remove(client: ServiceClient, userId: string, id: string): Promise<void> {
  return ofUser(userId).remove(client, id);
}
