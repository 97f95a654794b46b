import { ConfigError, resolveConfig, stationFlags, stationValues } from '../config/load.js';
import { kebab, optionHelp, type OptionName } from '../config/options.js';
import { Station } from '../station.js';
import { helpFlag, parseCommandLine, UsageError } from '../util/args.js';

export function serveHelp(): string {
  const lines = (Object.keys(optionHelp) as OptionName[]).map(
    (n) => `  --${kebab(n).padEnd(18)} ${optionHelp[n]}`,
  );
  return [
    'prepstation serve [options]   run the station headless',
    '',
    'Options (flags, then PREPSTATION_* env vars, then <data-dir>/config.yaml, then defaults):',
    ...lines,
  ].join('\n');
}

/** Runs the station until SIGINT/SIGTERM; resolves with the exit code. */
export async function serve(argv: string[]): Promise<number> {
  let config;
  try {
    const { values } = parseCommandLine(
      argv,
      { ...stationFlags(), help: helpFlag },
      { hint: 'options look like --http-port 8080' },
    );
    if (values.help) {
      process.stdout.write(serveHelp() + '\n');
      return 0;
    }
    config = resolveConfig(stationValues(values));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`prepstation: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const station = await Station.start(config.options, { stdoutLog: true });
  const { ctx } = station;
  process.stdout.write(
    [
      `PrepStation ${ctx.version} running headless (data: ${ctx.paths.dataDir})`,
      `Dashboard: ${station.uiUrl}/?token=${ctx.uiToken}`,
      `Bench listener: ${ctx.benchUrl} (boot scripts, files, agent API)`,
      ...ctx.services
        .list()
        .filter((s) => s.state === 'failed' || s.state === 'disabled')
        .map((s) => `${s.label}: ${s.state}: ${s.error ?? ''} ${s.fix ?? ''}`.trim()),
      '',
    ].join('\n'),
  );

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`prepstation: ${sig} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      ctx.logger.info({ signal: sig }, 'stopping');
      // Never hang on stop: a stuck socket must not keep a technician waiting.
      const guard = setTimeout(() => {
        process.stderr.write('prepstation: stop took too long, exiting\n');
        process.exit(1);
      }, 1800);
      guard.unref();
      station.stop().then(
        () => resolve(0),
        (err: unknown) => {
          process.stderr.write(`prepstation: error while stopping: ${String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
