/**
 * Keystone v3 application credentials of a user: create (the secret is returned once), get, list, delete.
 * Only the user itself may create one (Keystone's policy), with a token scoped to the project it is for.
 *
 * @example
 *   const cred = await applicationcredentials.create(identity, token.userId, { name: 'ci' });
 *   await saveSecretSomewhere(cred.id, cred.secret);
 */
import { registerSecret } from '../../../../lib/redact.ts';
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { requireObject, requireString } from '../common.ts';
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

/**
 * Creates an application credential for `userId`; the answer's `secret` is shown this once.
 *
 * @example
 *   const { id, secret } = await create(identity, userId, { name: 'ci', roles: [{ name: 'member' }] });
 */
export async function create(
  client: ServiceClient,
  userId: string,
  opts: CreateOpts,
): Promise<ApplicationCredentialWithSecret> {
  requireObject(opts, 'application_credential');
  requireString(opts.name, 'application_credential.name');
  registerSecret(opts.secret);
  const { body } = await client.post<{ application_credential: ApplicationCredentialWithSecret }>(
    applicationCredentialsUrl(userId),
    { body: { application_credential: opts } },
  );
  registerSecret(body.application_credential.secret);
  return body.application_credential;
}

/**
 * One application credential (without its secret).
 *
 * @example
 *   const c = await get(identity, userId, id);
 */
export async function get(client: ServiceClient, userId: string, id: string): Promise<ApplicationCredential> {
  const { body } = await client.get<{ application_credential: ApplicationCredential }>(
    applicationCredentialUrl(userId, id),
  );
  return body.application_credential;
}

/**
 * A user's application credentials, as an async iterator.
 *
 * @example
 *   for await (const c of list(identity, userId, { name: 'ci' })) console.log(c.id);
 */
export function list(
  client: ServiceClient,
  userId: string,
  filters: ListFilters = {},
): AsyncGenerator<ApplicationCredential> {
  return paginate<ApplicationCredential>(
    client,
    applicationCredentialsUrl(userId),
    'application_credentials',
    {
      ...filters,
    },
  );
}

/**
 * Deletes an application credential (tokens issued from it stop working).
 *
 * @example
 *   await remove(identity, userId, id);
 */
export async function remove(client: ServiceClient, userId: string, id: string): Promise<void> {
  await client.delete(applicationCredentialUrl(userId, id));
}
