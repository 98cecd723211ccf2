/** `osnet`: the operator CLI. */
import { Command } from 'commander';
import { formatReport, runDoctor } from '../doctor/checks.ts';
import { toOsnetError } from '../lib/errors.ts';

const program = new Command('osnet')
  .description('OpenStack networking for every workload')
  .option('--os-cloud <name>', 'cloud from clouds.yaml (default: $OS_CLOUD, else the OS_* environment)');

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

program.parseAsync().catch((e: unknown) => {
  const err = toOsnetError(e);
  console.error(`osnet: ${err.code}: ${err.message}`);
  process.exitCode = err.exitCode;
});
