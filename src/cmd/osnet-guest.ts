/**
 * osnet-guest: the in-VM agent that turns OpenStack network_data.json into the guest's network
 * configuration and follows NIC hot-add/remove without a reboot. Also installable as `openstack-networkd`.
 *
 * @example
 *   osnet-guest render --input network_data.json --format netplan --root /tmp/out --mac-map ens3=fa:16:3e:00:00:01
 *   osnet-guest apply --source config-drive
 *   osnet-guest watch
 */
import { join } from 'node:path';
import { isSea } from 'node:sea';
import { type Command, Option } from 'commander';
import { cliLogger, createProgram, runCli, wholeNumber } from '../cli/program.ts';
import { type AgentOptions, syncOnce } from '../guest/agent.ts';
import { planFiles, simpleDiff, writePlan } from '../guest/apply/files.ts';
import { renderFor } from '../guest/apply/index.ts';
import { detectFormat } from '../guest/detect-format.ts';
import '../guest/error-codes.ts';
import { FORMATS, type Format } from '../guest/formats/index.ts';
import { install, uninstall } from '../guest/install.ts';
import { parse } from '../guest/model/parse.ts';
import { parseMacMap, readSystemMacs, resolveNames } from '../guest/model/resolve-names.ts';
import { loadSource, SOURCES, type SourceKind, type SourceOptions } from '../guest/source/index.ts';
import { addWatchSettings, runWatch, type WatchFlags } from '../guest/watch/service.ts';
import { linkInfo } from '../host/ip.ts';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';

const PROG = 'osnet-guest';
const logger = () => cliLogger(PROG);
const ms = (flag: string) => wholeNumber(flag, 'milliseconds');

interface SourceFlags {
  source?: SourceKind;
  input?: string;
  b64?: string;
  metadataUrl?: string;
  metadataAttempts?: number;
  configDriveDir?: string;
}

interface TargetFlags {
  format?: Format;
  root: string;
  macMap?: string;
  sysRoot?: string;
  netns?: string;
  reconfigure?: boolean;
  verify?: boolean;
  nicKinds?: string;
}

function sourceOptions(o: SourceFlags, log: Logger): SourceOptions {
  return {
    ...(o.source ? { source: o.source } : {}),
    ...(o.input ? { input: o.input } : {}),
    ...(o.b64 !== undefined ? { b64: o.b64 } : {}),
    metadata: {
      ...(o.metadataUrl ? { url: o.metadataUrl } : {}),
      ...(o.metadataAttempts ? { attempts: o.metadataAttempts } : {}),
    },
    ...(o.configDriveDir ? { configDrive: { dir: o.configDriveDir } } : {}),
    log,
  };
}

async function agentOptions(o: SourceFlags & TargetFlags, log: Logger): Promise<AgentOptions> {
  return {
    source: sourceOptions(o, log),
    format: o.format ?? (await detectFormat(o.root)),
    root: o.root,
    log,
    ...(o.macMap ? { macMap: parseMacMap(o.macMap) } : {}),
    ...(o.sysRoot ? { sysRoot: o.sysRoot } : {}),
    ...(o.netns ? { netns: o.netns } : {}),
    ...(o.reconfigure !== undefined ? { reconfigure: o.reconfigure } : {}),
    ...(o.verify === false ? { verify: false } : {}),
    ...(o.nicKinds ? { nicKinds: o.nicKinds.split(',').map((k) => k.trim()) } : {}),
  };
}

function addSourceFlags(c: Command): Command {
  return c
    .addOption(
      new Option('--source <kind>', 'where network_data.json comes from').choices(SOURCES).default('auto'),
    )
    .option('--input <file>', 'read network_data.json from a file')
    .option('--b64 <base64>', 'network_data.json as a base64 argument (as the seed passes it)')
    .option('--metadata-url <url>', 'metadata service URL of network_data.json')
    .option('--metadata-attempts <n>', 'metadata service attempts', ms('--metadata-attempts'))
    .option('--config-drive-dir <dir>', 'read the config drive from this directory instead of the device');
}

function addApplyFlags(c: Command): Command {
  return addTargetFlags(addSourceFlags(c))
    .option('--reconfigure', 'run the network tools even with --root other than / (ifupdown, ip)')
    .option('--no-reconfigure', 'write the files only; do not run the network tools')
    .option(
      '--no-verify',
      'do not read reconfigured NICs back (up, MTU, static addresses) before reporting success',
    )
    .option(
      '--nic-kinds <kinds>',
      'link kinds (e.g. veth) whose appearance waits for the metadata like a NIC',
    );
}

function addTargetFlags(c: Command, rootDefault = '/'): Command {
  return c
    .addOption(
      new Option('--format <format>', 'renderer (default: from /etc/os-release under --root)').choices(
        FORMATS,
      ),
    )
    .option('--root <dir>', 'target root directory', rootDefault)
    .option('--mac-map <map>', 'NIC names by MAC, NAME=MAC,... (default: /sys/class/net)')
    .option('--sys-root <dir>', 'sysfs net directory to read NICs from', undefined)
    .addOption(new Option('--netns <name>', 'run network tools inside this network namespace').hideHelp());
}

export function program(): Command {
  const cli = createProgram(
    PROG,
    'Apply OpenStack network_data.json inside a VM and follow NIC hot-add/remove',
  );

  addTargetFlags(
    cli
      .command('render')
      .description('write the configuration files under --root without touching the system')
      .requiredOption('--input <file>', 'network_data.json')
      .option('--dry-run', 'print the files and the diff against what is there; write nothing'),
    '',
  ).action(async (o: TargetFlags & { input: string; dryRun?: boolean }) => {
    const log = await logger();
    if (!o.root)
      throw new OsnetError('OSNET_ERR_VALIDATION', 'render needs --root DIR (files are written under it)', {
        field: '--root',
      });
    const { raw } = await loadSource({ source: 'file', input: o.input });
    const cfg = parse(raw);
    const format = o.format ?? (await detectFormat(o.root));
    const macs = o.macMap ? parseMacMap(o.macMap) : await readSystemMacs(o.sysRoot);
    const files = await renderFor(resolveNames(cfg, macs), format, o.root);
    const plan = await planFiles(o.root, files);
    if (o.dryRun) {
      for (const f of files) process.stdout.write(`### ${f.path}\n${f.content}`);
      for (const c of plan.changes) process.stdout.write(simpleDiff(c.path, c.old, c.content));
      return;
    }
    await writePlan(o.root, { ...plan, changes: plan.changes.filter((c) => c.action !== 'remove') });
    for (const f of files) process.stdout.write(`${join(o.root, f.path)}\n`);
    log.debug({ format, files: files.length }, 'rendered');
  });

  addApplyFlags(
    cli.command('apply').description('render, diff, write atomically and reconfigure only what changed'),
  ).action(async (o: SourceFlags & TargetFlags) => {
    const log = await logger();
    const r = await syncOnce(await agentOptions(o, log));
    process.stdout.write(
      `${JSON.stringify({ changes: r.changes, touched: r.touched, missing: r.missing })}\n`,
    );
  });

  addSourceFlags(cli.command('validate').description('validate network_data.json (parse only)')).action(
    async (o: SourceFlags) => {
      const { raw, origin } = await loadSource(sourceOptions(o, await logger()));
      const cfg = parse(raw);
      const summary = {
        valid: true,
        origin,
        links: cfg.links.map((l) => `${l.id}:${l.kind === 'physical' ? l.type : l.kind}`),
        networks: cfg.networks.map((n) => `${n.id}:${n.type}${n.address ? `:${n.address}/${n.prefix}` : ''}`),
        dns: cfg.dns,
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    },
  );

  addWatchSettings(
    addApplyFlags(cli.command('watch').description('apply, then follow NIC add/remove (ip monitor)'))
      .option('--debounce <ms>', 'coalesce events arriving within this time', ms('--debounce'), 1000)
      .option('--wait <ms>', 'longest wait for the metadata to follow a NIC event', ms('--wait'), 120000)
      .option('--poll <ms>', 'metadata re-read interval while waiting', ms('--poll'), 3000),
  ).action(async (o: SourceFlags & TargetFlags & WatchFlags) => {
    const log = await logger();
    process.exitCode = await runWatch(o, await agentOptions(o, log), log);
  });

  addApplyFlags(
    cli
      .command('event')
      .description('handle one udev NIC event (what the installed udev rule runs)')
      .argument('<action>', 'add or remove')
      .argument('<ifname>', 'the NIC'),
  )
    .option('--wait <ms>', 'longest wait for the metadata to follow the event', ms('--wait'), 120000)
    .option('--poll <ms>', 'metadata re-read interval while waiting', ms('--poll'), 3000)
    .action(
      async (
        action: string,
        ifname: string,
        o: SourceFlags & TargetFlags & { wait: number; poll: number },
      ) => {
        if (action !== 'add' && action !== 'remove') {
          throw new OsnetError('OSNET_ERR_VALIDATION', `event action must be add or remove (got ${action})`, {
            field: 'action',
          });
        }
        const log = await logger();
        const opts = await agentOptions(o, log);
        // The MAC of an added NIC tells the wait which metadata entry to expect; a removed one has none left.
        const info = action === 'add' ? await linkInfo(ifname, o.netns) : {};
        log.info({ nic: ifname, event: action, ...info }, 'NIC event');
        const r = await syncOnce(opts, {
          events: [{ action, ifname, ...info }],
          waitMs: o.wait,
          pollMs: o.poll,
        });
        process.stdout.write(
          `${JSON.stringify({ changes: r.changes, touched: r.touched, missing: r.missing })}\n`,
        );
      },
    );

  cli
    .command('install')
    .description('install the binary (also as openstack-networkd), the udev rule and the systemd unit')
    .option('--root <dir>', 'target root directory', '/')
    .option('--binary <path>', 'executable to install (default: this one)')
    .option('--no-activate', 'do not enable the unit nor reload udev')
    .action(async (o: { root: string; binary?: string; activate: boolean }) => {
      const binary = o.binary ?? selfBinary();
      const paths = await install({
        root: o.root,
        binary,
        ...(o.activate === false ? { activate: false } : {}),
      });
      for (const p of paths) process.stdout.write(`${join(o.root, p)}\n`);
    });

  cli
    .command('uninstall')
    .description('remove what install put in place')
    .option('--root <dir>', 'target root directory', '/')
    .option('--no-activate', 'do not disable the unit nor reload udev')
    .action(async (o: { root: string; activate: boolean }) => {
      const removed = await uninstall({ root: o.root, ...(o.activate === false ? { activate: false } : {}) });
      for (const p of removed) process.stdout.write(`${join(o.root, p)}\n`);
    });

  return cli;
}

/** The executable to copy on install: the single-executable app itself, or the bundled script. */
function selfBinary(): string {
  if (isSea()) return process.execPath;
  const script = process.argv[1];
  if (script && !script.endsWith('.ts')) return script;
  throw new OsnetError(
    'OSNET_ERR_VALIDATION',
    'running from source: pass --binary dist/bin/osnet-guest-sea',
    {
      field: '--binary',
    },
  );
}

// No top-level await: the single-executable build runs this file as CommonJS.
void runCli(program());
