/** `osnet`: the operator CLI. */
import { createProgram, runCli } from '../cli/program.ts';
import { formatReport, runDoctor } from '../doctor/checks.ts';
import '../openstack/error-codes.ts';
import { registerPolicy } from '../policy/certs/cli.ts';
import { registerPortalLauncher } from '../portal/launcher.ts';
import { registerWireguard } from '../wireguard/cli.ts';

const program = createProgram('osnet', 'OpenStack networking for every workload').option(
  '--os-cloud <name>',
  'cloud from clouds.yaml (default: $OS_CLOUD, else the OS_* environment)',
);

program
  .command('doctor')
  .description('check that a cloud is usable by osnet: config, auth, catalog, Neutron, extensions')
  .option('--json', 'print the report as JSON')
  .action(async (o: { json?: boolean }) => {
    const { osCloud } = program.opts<{ osCloud?: string }>();
    const report = await runDoctor({ cloud: osCloud });
    console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  });

registerWireguard(program);
registerPolicy(program);
registerPortalLauncher(program);

// No top-level await: every entry point stays loadable as CommonJS.
void runCli(program);
