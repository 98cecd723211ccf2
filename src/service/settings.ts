/**
 * Settings of a long-running service, from three places with one precedence rule:
 * **flag > environment > settings file > default.**
 * Every option of the command is a setting: `--metadata-url` is also `<PREFIX>_METADATA_URL` in the
 * environment and `metadata-url` in the file (JSON, or YAML for a .yaml/.yml name) that `--config FILE` (or
 * `<PREFIX>_CONFIG`) names. Values from the environment and the file go through the option's own parser
 * and choices, so a bad value is refused the same way wherever it comes from, naming where it came from.
 *
 * @example
 *   withSettings(cli.command('watch').option('--poll <ms>', 'poll interval', ms('--poll'), 3000), {
 *     envPrefix: 'OSNET_GUEST',
 *   }).action(async (o) => { o.poll; settingSources(cmd).poll; // 'env' });
 */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, type Option } from 'commander';
import { OsnetError } from '../lib/errors.ts';

export interface SettingsOptions {
  /** Environment names are `<envPrefix>_<FLAG_NAME>`. */
  envPrefix: string;
  /** The environment to read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export type SettingSource = 'cli' | 'env' | 'config' | 'default';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** The long flag name without dashes or `no-` (a `--x` / `--no-x` pair is one setting `x`). */
function settingName(o: Option): string {
  return (o.long ?? '').replace(/^--/, '').replace(/^no-/, '');
}

export function envName(prefix: string, setting: string): string {
  return `${prefix}_${setting.toUpperCase().replace(/-/g, '_')}`;
}

/** Options of `cmd` that are settings, one per attribute (the positive flag of a pair first). */
function settings(cmd: Command): Map<string, Option[]> {
  const out = new Map<string, Option[]>();
  for (const o of cmd.options) {
    if (!o.long || o.long === '--help' || o.long === '--version' || o.long === '--config') continue;
    const key = o.attributeName();
    out.set(
      key,
      [...(out.get(key) ?? []), o].sort((a, b) => Number(a.negate) - Number(b.negate)),
    );
  }
  return out;
}

function convert(o: Option[], raw: unknown, where: string): unknown {
  const opt = o[0]!;
  if (opt.isBoolean()) {
    if (typeof raw === 'boolean') return raw;
    const v = String(raw).trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw new OsnetError('OSNET_ERR_CONFIG', `${where}: must be true or false (got ${String(raw)})`, {
      field: where,
    });
  }
  if (raw === null || typeof raw === 'object')
    throw new OsnetError('OSNET_ERR_CONFIG', `${where}: must be a single value`, { field: where });
  const text = String(raw);
  if (opt.argChoices && !opt.argChoices.includes(text))
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${where}: must be one of ${opt.argChoices.join(', ')} (got ${text})`,
      {
        field: where,
      },
    );
  if (!opt.parseArg) return text;
  try {
    return opt.parseArg(text, undefined);
  } catch (err) {
    const why = err instanceof InvalidArgumentError ? err.message : String(err);
    throw new OsnetError('OSNET_ERR_CONFIG', `${where}: ${why}`, { field: where, cause: err });
  }
}

async function readSettingsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new OsnetError('OSNET_ERR_CONFIG', `cannot read the settings file ${file}`, {
      field: '--config',
      cause,
    });
  }
  let doc: unknown;
  try {
    if (/\.ya?ml$/i.test(file)) {
      const { parse } = await import('yaml');
      doc = parse(text);
    } else doc = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${why}`,
      {
        field: '--config',
        cause,
      },
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new OsnetError('OSNET_ERR_CONFIG', `${file}: must be a map of setting names to values`, {
      field: '--config',
    });
  return doc as Record<string, unknown>;
}

const sources = new WeakMap<Command, Record<string, SettingSource>>();

/** Where each setting of `cmd` came from, after it parsed (names as in `cmd.opts()`). */
export function settingSources(cmd: Command): Record<string, SettingSource> {
  return { ...(sources.get(cmd) ?? {}) };
}

/** Makes every option of `cmd` a setting (see the module comment) and adds `--config FILE`. */
export function withSettings(cmd: Command, opts: SettingsOptions): Command {
  const env = opts.env ?? process.env;
  const configEnv = envName(opts.envPrefix, 'config');
  for (const [, group] of settings(cmd)) {
    const name = envName(opts.envPrefix, settingName(group[0]!));
    for (const o of group) o.description = `${o.description} (env ${name})`.trim();
  }
  cmd.option('--config <file>', `settings file, JSON or YAML (env ${configEnv})`);
  cmd.hook('preAction', async (self) => {
    const file = self.getOptionValueSource('config') === 'cli' ? self.opts().config : env[configEnv];
    const doc = file ? await readSettingsFile(String(file)) : {};
    const byName = new Map([...settings(self)].map(([key, group]) => [settingName(group[0]!), key]));
    for (const k of Object.keys(doc)) {
      if (!byName.has(k))
        throw new OsnetError('OSNET_ERR_CONFIG', `${file}: unknown setting ${k}`, { field: `${file}: ${k}` });
    }
    const got: Record<string, SettingSource> = {};
    for (const [key, group] of settings(self)) {
      const setting = settingName(group[0]!);
      const name = envName(opts.envPrefix, setting);
      const src = self.getOptionValueSource(key);
      if (src === 'cli') {
        got[key] = 'cli';
      } else if (env[name] !== undefined && env[name] !== '') {
        self.setOptionValueWithSource(key, convert(group, env[name], name), 'env');
        got[key] = 'env';
      } else if (setting in doc) {
        self.setOptionValueWithSource(key, convert(group, doc[setting], `${file}: ${setting}`), 'config');
        got[key] = 'config';
      } else {
        got[key] = 'default';
      }
    }
    sources.set(self, got);
  });
  return cmd;
}
