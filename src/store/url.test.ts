import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OsnetError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import { parseStoreUrl, redactUrl } from './url.ts';

function refused(url: string, field = '--db'): OsnetError {
  let caught: unknown;
  try {
    parseStoreUrl(url, field);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof OsnetError, `${url} was accepted`);
  assert.equal(caught.code, 'OSNET_ERR_CONFIG');
  assert.equal(caught.field, field);
  return caught;
}

describe('store URLs', () => {
  it('postgres:// and postgresql:// name PostgreSQL, kept as given', () => {
    for (const url of ['postgres://u:p@127.0.0.1:5433/db', 'postgresql://u@localhost/db?sslmode=disable'])
      assert.deepEqual(parseStoreUrl(url), { kind: 'postgres', url });
  });

  it('a unix socket host in the query is a host', () => {
    const url = 'postgres:///db?host=/var/run/postgresql';
    assert.deepEqual(parseStoreUrl(url), { kind: 'postgres', url });
  });

  it('sqlite:/abs, sqlite:///abs and a bare absolute path name the embedded store', () => {
    for (const url of [
      'sqlite:/var/lib/x/p.db',
      'sqlite:///var/lib/x/p.db',
      '/var/lib/x/p.db',
      '/var/lib/x/../x/p.db',
    ])
      assert.deepEqual(parseStoreUrl(url), { kind: 'sqlite', file: '/var/lib/x/p.db' });
  });

  it('refuses a relative path, a directory, another scheme, no database, no host, and empty, naming the field', () => {
    for (const url of [
      '',
      'p.db',
      'sqlite:p.db',
      'sqlite:/var/lib/',
      'mysql://u:p@h/db',
      'postgres://u@h',
      'postgres://h:x',
    ])
      refused(url);
    assert.match(refused('rel.db', 'OSNET_POLICY_DB').message, /^OSNET_POLICY_DB: /);
  });

  it('never shows the password of a refused URL, and registers it as a secret', () => {
    const err = refused('postgres://user:s3cret-pw@host');
    assert.doesNotMatch(err.message, /s3cret-pw/);
    assert.match(err.message, /user:\*\*\*@host/);
    parseStoreUrl('postgres://user:An0ther-pw@host/db');
    assert.equal(redactText('login An0ther-pw failed'), 'login *** failed');
  });

  it('redactUrl masks only the password', () => {
    assert.equal(redactUrl('postgres://u:pw@h:1/db'), 'postgres://u:***@h:1/db');
    assert.equal(redactUrl('postgres://u@h/db'), 'postgres://u@h/db');
    assert.equal(redactUrl('sqlite:/a/b.db'), 'sqlite:/a/b.db');
  });
});
