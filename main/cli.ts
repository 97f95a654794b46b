#!/usr/bin/env node
import { apps } from './commands/apps.js';
import { boot } from './commands/boot.js';
import { check } from './commands/check.js';
import { drivers } from './commands/drivers.js';
import { media } from './commands/media.js';
import { render } from './commands/render.js';
import { report } from './commands/report.js';
import { serve, serveHelp } from './commands/serve.js';
import { shop } from './commands/shop.js';
import { simulateCommand } from './commands/simulate.js';

type Command = (argv: string[]) => Promise<number>;

/** Every subcommand; each lives in main/commands/<name>.ts and resolves with its exit code. */
const commands: Record<string, { run: Command; help: string }> = {
  serve: { run: (argv) => serve(argv), help: 'run the station headless (see serve --help)' },
  apps: { run: (argv) => apps(argv), help: 'app library: import FILE --name N --version V, list' },
  media: {
    run: (argv) => media(argv),
    help: 'Windows media library: import FILE.iso|FOLDER [--id ID], list [--json], delete ID',
  },
  drivers: {
    run: (argv) => drivers(argv),
    help: 'driver library: import FOLDER|FILE.cab --vendor V --model M [--winpe], list, delete ID',
  },
  boot: { run: (argv) => boot(argv), help: 'boot files: fetch-wimboot [--url URL] [--sha256 HEX]' },
  check: { run: (argv) => check(argv), help: 'validate profiles: check [FILE|DIR], file:line:col' },
  render: {
    run: (argv) => render(argv),
    help: 'render PROFILE --machine MAC --format autounattend|autoinstall|preseed|kickstart|ipxe|plan',
  },
  report: {
    run: (argv) => report(argv),
    help: 'report (--machine MAC | --batch ID) --format pdf|csv|json --out FILE',
  },
  shop: {
    run: (argv) => shop(argv),
    help: 'shop serve --database URL: every station live (see shop --help)',
  },
  simulate: {
    run: (argv) => simulateCommand(argv),
    help: 'N simulated PCs through the real protocols (see simulate --help)',
  },
};

function usage(): string {
  return [
    'Usage: prepstation <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`),
    '',
    serveHelp(),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { packageVersion } = await import('./util/package-root.js');
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`prepstation: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  return command.run(rest);
}

export { commands };
