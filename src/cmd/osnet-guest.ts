/**
 * osnet-guest: the in-VM agent that turns OpenStack network_data.json into the guest's network
 * configuration and follows NIC hot-add/remove without a reboot. Also installable as `openstack-networkd`.
 *
 * @example
 *   osnet-guest render --input network_data.json --format netplan --root /tmp/out --mac-map ens3=fa:16:3e:00:00:01
 *   osnet-guest apply --source config-drive
 *   osnet-guest watch
 */
import { type Command, Option } from 'commander';
import { cliLineLogger, cliLogger, createProgram, runCli, wholeNumber } from '../cli/program.ts';
import '../guest/error-codes.ts';
import { FORMATS } from '../guest/formats/index.ts';
import { SOURCES } from '../guest/source/index.ts';
import { addWatchSettings, type WatchFlags } from '../guest/watch/flags.ts';
import type { SourceFlags } from './osnet-guest/flags.ts';
import type { RenderFlags } from './osnet-guest/render.ts';
import type { SyncFlags } from './osnet-guest/sync.ts';

// Every run is its own process (udev starts one per NIC event), so each subcommand loads its code when it
// runs: defining the CLI needs only the flags' names and choices.

const PROG = 'osnet-guest';
// pino only for the long-running `watch` service; the commands that run once log through the small one.
const logger = () => cliLineLogger(PROG);
const ms = (flag: string) => wholeNumber(flag, 'milliseconds');

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

/** Each subcommand's definition, by name: a run defines only the one it runs (see program). */
const SUBCOMMANDS: Record<string, (cli: Command) => void> = {
  render: (cli) =>
    addTargetFlags(
      cli
        .command('render')
        .description('write the configuration files under --root without touching the system')
        .requiredOption('--input <file>', 'network_data.json')
        .option('--dry-run', 'print the files and the diff against what is there; write nothing'),
      '',
    ).action(async (o: RenderFlags) => (await import('./osnet-guest/render.ts')).render(o, logger)),

  apply: (cli) =>
    addApplyFlags(
      cli.command('apply').description('render, diff, write atomically and reconfigure only what changed'),
    ).action(async (o: SyncFlags) => (await import('./osnet-guest/sync.ts')).apply(o, await logger())),

  validate: (cli) =>
    addSourceFlags(cli.command('validate').description('validate network_data.json (parse only)')).action(
      async (o: SourceFlags) => (await import('./osnet-guest/validate.ts')).validate(o, await logger()),
    ),

  watch: (cli) =>
    addWatchSettings(
      addApplyFlags(cli.command('watch').description('apply, then follow NIC add/remove (ip monitor)'))
        .option('--debounce <ms>', 'coalesce events arriving within this time', ms('--debounce'), 1000)
        .option('--wait <ms>', 'longest wait for the metadata to follow a NIC event', ms('--wait'), 120000)
        .option('--poll <ms>', 'metadata re-read interval while waiting', ms('--poll'), 3000),
    ).action(async (o: SyncFlags & WatchFlags) =>
      (await import('./osnet-guest/sync.ts')).watch(o, await cliLogger(PROG)),
    ),

  event: (cli) =>
    addApplyFlags(
      cli
        .command('event')
        .description('handle one udev NIC event (what the installed udev rule runs)')
        .argument('<action>', 'add or remove')
        .argument('<ifname>', 'the NIC'),
    )
      .option('--wait <ms>', 'longest wait for the metadata to follow the event', ms('--wait'), 120000)
      .option('--poll <ms>', 'metadata re-read interval while waiting', ms('--poll'), 3000)
      .action(async (action: string, ifname: string, o: SyncFlags & { wait: number; poll: number }) =>
        (await import('./osnet-guest/sync.ts')).event(action, ifname, o, logger),
      ),

  install: (cli) =>
    cli
      .command('install')
      .description('install the binary (also as openstack-networkd), the udev rule and the systemd unit')
      .option('--root <dir>', 'target root directory', '/')
      .option('--binary <path>', 'executable to install (default: this one)')
      .option('--no-activate', 'do not enable the unit nor reload udev')
      .action(async (o: { root: string; binary?: string; activate: boolean }) =>
        (await import('./osnet-guest/install.ts')).install(o),
      ),

  uninstall: (cli) =>
    cli
      .command('uninstall')
      .description('remove what install put in place')
      .option('--root <dir>', 'target root directory', '/')
      .option('--no-activate', 'do not disable the unit nor reload udev')
      .action(async (o: { root: string; activate: boolean }) =>
        (await import('./osnet-guest/install.ts')).uninstall(o),
      ),
};

/**
 * The CLI for `argv`. When argv names a subcommand, only that one is defined: commander parses and answers
 * it exactly as with all of them (its options, errors and `--help` are its own), and a render no longer
 * builds the options of six other commands (about 10% of its start). Anything else (help, --version, an
 * unknown command) gets them all.
 */
export function program(argv: readonly string[] = process.argv): Command {
  const cli = createProgram(
    PROG,
    'Apply OpenStack network_data.json inside a VM and follow NIC hot-add/remove',
  );
  const name = argv[2];
  const one = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (one) one(cli);
  else for (const define of Object.values(SUBCOMMANDS)) define(cli);
  return cli;
}

// No top-level await: the single-executable build runs this file as CommonJS.
void runCli(program());
