// Path builders of the Keystone v3 resources: ids are encoded as one path segment, empty ids are refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OsnetError } from '../../../lib/errors.ts';
import { applicationCredentialUrl } from './applicationcredentials/urls.ts';
import { domainUrl } from './domains/urls.ts';
import { endpointUrl } from './endpoints/urls.ts';
import { projectUrl } from './projects/urls.ts';
import { grantUrl } from './roleassignments/urls.ts';
import { roleUrl } from './roles/urls.ts';
import { serviceUrl } from './services/urls.ts';
import { userProjectsUrl, userUrl } from './users/urls.ts';

describe('identity v3 urls', () => {
  it('builds relative paths and encodes ids as one segment', () => {
    assert.equal(projectUrl('abc'), 'projects/abc');
    assert.equal(userUrl('a b'), 'users/a%20b');
    assert.equal(userProjectsUrl('u1'), 'users/u1/projects');
    assert.equal(roleUrl('r x=1'), 'roles/r%20x%3D1');
    assert.equal(serviceUrl('s'), 'services/s');
    assert.equal(endpointUrl('e'), 'endpoints/e');
    assert.equal(domainUrl('default'), 'domains/default');
    assert.equal(applicationCredentialUrl('u', 'c'), 'users/u/application_credentials/c');
    assert.equal(grantUrl({ roleId: 'r', userId: 'u', projectId: 'p' }), 'projects/p/users/u/roles/r');
  });

  it('refuses empty ids and ids that are not one path segment, naming the argument', () => {
    for (const [fn, field] of [
      [() => projectUrl(''), 'projectId'],
      // ids that would leave their path segment ("projects/.." is the API root)
      [() => projectUrl('..'), 'projectId'],
      [() => projectUrl('../tokens'), 'projectId'],
      [() => roleUrl('r?x=1'), 'roleId'],
      [() => userUrl('u#x'), 'userId'],
      [() => userUrl(' '), 'userId'],
      [() => applicationCredentialUrl('u', ''), 'applicationCredentialId'],
      [() => grantUrl({ roleId: '', userId: 'u', projectId: 'p' }), 'grant.roleId'],
      [() => grantUrl({ roleId: 'r', userId: 'u', groupId: 'g', projectId: 'p' }), 'grant.userId'],
    ] as const) {
      assert.throws(
        fn,
        (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === field,
      );
    }
  });
});
