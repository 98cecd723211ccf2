// The store test tooling itself: a missing PostgreSQL is an error (the suites fail, never skip), and each
// fresh store is its own and goes away.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import pg from 'pg';
import { parseStoreUrl } from '../../store/url.ts';
import { freshStore, labPostgresUrl } from './stores.ts';

it('without pg.url (and no OSNET_TEST_PG_URL) the PostgreSQL URL is an error naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-nolab-'));
  const saved = { lab: process.env.OSNET_LAB_DIR, url: process.env.OSNET_TEST_PG_URL };
  process.env.OSNET_LAB_DIR = dir;
  delete process.env.OSNET_TEST_PG_URL;
  try {
    await assert.rejects(
      labPostgresUrl(),
      new RegExp(`${join(dir, 'pg.url')} is missing \\(run scripts/lab/up\\)`),
    );
  } finally {
    if (saved.lab === undefined) delete process.env.OSNET_LAB_DIR;
    else process.env.OSNET_LAB_DIR = saved.lab;
    if (saved.url !== undefined) process.env.OSNET_TEST_PG_URL = saved.url;
    await rm(dir, { recursive: true, force: true });
  }
});

it('freshStore: two PostgreSQL databases of their own, both dropped by remove()', async () => {
  const [a, b] = await Promise.all([freshStore('postgres'), freshStore('postgres')]);
  assert.notEqual(a.url, b.url);
  const exists = async (url: string) => {
    const name = new URL(url).pathname.slice(1);
    const c = new pg.Client({ connectionString: await labPostgresUrl() });
    await c.connect();
    try {
      return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    } finally {
      await c.end();
    }
  };
  assert.ok(await exists(a.url));
  await a.remove();
  await b.remove();
  assert.equal(await exists(a.url), false);
  assert.equal(await exists(b.url), false);
});

it('freshStore: an embedded store in a new directory, removed by remove()', async () => {
  const s = await freshStore('sqlite');
  const target = parseStoreUrl(s.url);
  assert.equal(target.kind, 'sqlite');
  const dir = join((target as { file: string }).file, '..');
  assert.ok((await stat(dir)).isDirectory());
  await s.remove();
  await assert.rejects(stat(dir), { code: 'ENOENT' });
});
