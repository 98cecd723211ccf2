import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from './files.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-files-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('writeAtomic replaces the content, sets the mode whatever the umask, and leaves no temp file', async () => {
  const file = join(dir, 'a', 'b', 'state.json');
  await writeAtomic(file, 'one\n', 0o600);
  await writeAtomic(file, 'two\n', 0o640);
  assert.equal(await readFile(file, 'utf8'), 'two\n');
  assert.equal((await stat(file)).mode & 0o777, 0o640);
  const old = process.umask(0o077);
  try {
    await writeAtomic(file, Buffer.from('three\n'), 0o644);
  } finally {
    process.umask(old);
  }
  assert.equal((await stat(file)).mode & 0o777, 0o644);
  assert.deepEqual(await readdir(dirname(file)), ['state.json']);
});

test('concurrent writers of one file never mix their content', async () => {
  const file = join(dir, 'race');
  const bodies = Array.from({ length: 20 }, (_, i) => `${String(i).repeat(50_000)}\n`);
  await Promise.all(bodies.map((b) => writeAtomic(file, b)));
  assert.ok(bodies.includes(await readFile(file, 'utf8')));
  assert.deepEqual(await readdir(dir).then((l) => l.filter((f) => f.includes('race'))), ['race']);
});

test('a failed write keeps the old target and removes its temp file', async () => {
  const target = join(dir, 'is-a-dir');
  await mkdir(target);
  await writeFile(join(target, 'keep'), 'x');
  await assert.rejects(writeAtomic(target, 'new'), /EISDIR|ENOTEMPTY|EEXIST/);
  assert.deepEqual(await readdir(target), ['keep']);
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.includes('osnet-tmp')),
    [],
  );
});

// strace comes from scripts/lab/install (the test command's install step)
test('writeAtomic fsyncs the file before the rename and the directory after it (strace)', async () => {
  const sub = join(dir, 'durable');
  await mkdir(sub);
  const target = join(sub, 'f.json');
  const trace = join(dir, 'trace.txt');
  const mod = join(dirname(fileURLToPath(import.meta.url)), 'files.ts');
  const script = `import(${JSON.stringify(mod)}).then((m) => m.writeAtomic(${JSON.stringify(target)}, 'x'))`;
  execFileSync('strace', [
    '-f',
    '-qq',
    '-e',
    'trace=openat,fsync,rename',
    '-o',
    trace,
    process.execPath,
    '-e',
    script,
  ]);
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const fdOf = (re: RegExp) => {
    const l = lines.find((x) => re.test(x));
    assert.ok(l, `no open matching ${re}`);
    return l.match(/= (\d+)$/)![1];
  };
  const at = (re: RegExp) => lines.findIndex((x) => re.test(x));
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tmpFd = fdOf(new RegExp(`openat\\(AT_FDCWD, "${esc(sub)}/\\.f\\.json\\.osnet-tmp-[^"]+", O_WRONLY`));
  const renamed = at(new RegExp(`rename\\("${esc(sub)}/\\.f\\.json\\.osnet-tmp-[^"]+", "${esc(target)}"\\)`));
  assert.ok(renamed > 0, 'renamed into place');
  assert.ok(at(new RegExp(`fsync\\(${tmpFd}\\)`)) < renamed, 'file data synced before the rename');
  const dirOpen = lines.findIndex((x, i) => i > renamed && x.includes(`openat(AT_FDCWD, "${sub}", O_RDONLY`));
  assert.ok(dirOpen > renamed, 'directory opened after the rename');
  const dirFd = lines[dirOpen]!.match(/= (\d+)$/)![1];
  assert.ok(
    lines.some((x, i) => i > dirOpen && new RegExp(`fsync\\(${dirFd}\\) += 0`).test(x)),
    'directory synced',
  );
});
