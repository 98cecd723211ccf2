import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Command, Option } from 'commander';
import { wholeNumber } from '../cli/program.ts';
import { OsnetError } from '../lib/errors.ts';
import { settingSources, withSettings } from './settings.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-settings-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Parses `argv` with a real commander program whose one command has settings; returns its options. */
async function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const root = new Command('t').exitOverride();
  let seen: { opts: Record<string, unknown>; sources: Record<string, string> } | undefined;
  const cmd = root
    .command('run')
    .option('--poll <ms>', 'poll', wholeNumber('--poll', 'milliseconds'), 3000)
    .option('--wait <ms>', 'wait', wholeNumber('--wait', 'milliseconds'), 120000)
    .option('--metadata-url <url>', 'url')
    .addOption(new Option('--source <kind>', 'source').choices(['auto', 'file']).default('auto'))
    .option('--reconfigure', 'run the tools')
    .option('--no-reconfigure', 'do not');
  withSettings(cmd, { envPrefix: 'OSNET_T', env }).action(function (this: Command) {
    seen = { opts: this.opts(), sources: settingSources(this) };
  });
  await root.parseAsync(['node', 't', 'run', ...argv]);
  return seen!;
}

test('one precedence rule: flag over environment over file over default', async () => {
  const file = join(dir, 's.json');
  await writeFile(
    file,
    JSON.stringify({ poll: 10, wait: 20, 'metadata-url': 'http://file', source: 'file' }),
  );
  const env = { OSNET_T_CONFIG: file, OSNET_T_WAIT: '200', OSNET_T_POLL: '100' };
  const r = await parse(['--poll', '1'], env);
  assert.equal(r.opts.poll, 1);
  assert.equal(r.opts.wait, 200);
  assert.equal(r.opts.metadataUrl, 'http://file');
  assert.equal(r.opts.source, 'file');
  assert.deepEqual(
    { poll: r.sources.poll, wait: r.sources.wait, url: r.sources.metadataUrl, rec: r.sources.reconfigure },
    { poll: 'cli', wait: 'env', url: 'config', rec: 'default' },
  );
  const d = await parse([]);
  assert.deepEqual(
    [d.opts.poll, d.opts.wait, d.opts.source, d.opts.reconfigure],
    [3000, 120000, 'auto', undefined],
  );
  const flagFile = await parse(['--config', file], { OSNET_T_CONFIG: join(dir, 'absent.json') });
  assert.equal(flagFile.opts.poll, 10, '--config wins over OSNET_T_CONFIG');
});

test('a --x/--no-x pair is one setting, true or false from the environment or the file', async () => {
  assert.equal((await parse([], { OSNET_T_RECONFIGURE: 'false' })).opts.reconfigure, false);
  assert.equal((await parse([], { OSNET_T_RECONFIGURE: 'yes' })).opts.reconfigure, true);
  assert.equal((await parse(['--no-reconfigure'], { OSNET_T_RECONFIGURE: '1' })).opts.reconfigure, false);
  const yaml = join(dir, 's.yaml');
  await writeFile(yaml, 'reconfigure: true\npoll: 7\n');
  const r = await parse(['--config', yaml]);
  assert.deepEqual([r.opts.reconfigure, r.opts.poll], [true, 7]);
});

test('bad values are refused through the option’s own parser and choices, naming where they came from', async () => {
  const refuses = async (argv: string[], env: NodeJS.ProcessEnv, field: string, msg: RegExp) =>
    assert.rejects(parse(argv, env), (e: unknown) => {
      assert.ok(e instanceof OsnetError, String(e));
      assert.equal(e.code, 'OSNET_ERR_CONFIG');
      assert.equal(e.field, field);
      assert.match(e.message, msg);
      return true;
    });
  await refuses(
    [],
    { OSNET_T_POLL: 'soon' },
    'OSNET_T_POLL',
    /^OSNET_T_POLL: --poll must be a whole number of milliseconds$/,
  );
  await refuses([], { OSNET_T_SOURCE: 'tape' }, 'OSNET_T_SOURCE', /must be one of auto, file \(got tape\)/);
  await refuses([], { OSNET_T_RECONFIGURE: 'maybe' }, 'OSNET_T_RECONFIGURE', /must be true or false/);
  const typo = join(dir, 'typo.json');
  await writeFile(typo, JSON.stringify({ pol: 5 }));
  await refuses(['--config', typo], {}, `${typo}: pol`, /unknown setting pol/);
  const nested = join(dir, 'nested.json');
  await writeFile(nested, JSON.stringify({ poll: { every: 5 } }));
  await refuses(['--config', nested], {}, `${nested}: poll`, /must be a single value/);
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '{"poll": ');
  await refuses(['--config', broken], {}, '--config', /not valid JSON/);
  await refuses(['--config', join(dir, 'none.json')], {}, '--config', /cannot read the settings file/);
});
