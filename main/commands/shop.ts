import path from 'node:path';
import { z } from 'zod';
import { defaultDataDir, optionsSchema } from '../config/options.js';
import { parseCommandLine, valueFlag } from '../util/args.js';

export function shopHelp(): string {
  return [
    'prepstation shop serve --database postgres://user:password@host/db [options]',
    '    The shop view without a station: every machine of every station that ships to this',
    '    PostgreSQL, live, with reports across stations. Headless, on any server that reaches',
    '    the database; open the printed link in a browser.',
    '  --database URL     the shop PostgreSQL (or PREPSTATION_DATABASE); the password is never logged',
    '  --ui-host ADDR     listen address (default 127.0.0.1; 0.0.0.0 for the whole office network)',
    '  --ui-port N        listen port (default 7790)',
    '  --ui-token T       fixed token (default: generated once, kept in --data-dir)',
    '  --data-dir DIR     token and logs (default: <the OS app-data folder>/shop-view)',
    '  --shop-name NAME   the shop name printed on reports',
    '  --log-level L      fatal | error | warn | info | debug | trace (default info)',
  ].join('\n');
}

const shopServeOptions = optionsSchema
  .pick({ uiHost: true, uiToken: true, logLevel: true })
  .extend({
    database: z
      .string({ error: 'is required: --database postgres://user:password@host/db' })
      .regex(
        /^postgres(ql)?:\/\/\S+$/,
        'must be a PostgreSQL URL: postgres://user:password@host/db',
      ),
    uiPort: optionsSchema.shape.uiPort.unwrap().default(7790),
    dataDir: z.string().min(1).default(path.join(defaultDataDir(), 'shop-view')),
    shopName: z.string().trim().min(1).max(120).optional(),
  })
  .strict();

export function parseShopServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const { values } = parseCommandLine(argv, {
    database: valueFlag,
    'ui-host': valueFlag,
    'ui-port': valueFlag,
    'ui-token': valueFlag,
    'data-dir': valueFlag,
    'shop-name': valueFlag,
    'log-level': valueFlag,
  });
  const parsed = shopServeOptions.safeParse({
    database: values.database ?? env.PREPSTATION_DATABASE,
    uiHost: values['ui-host'],
    uiPort: values['ui-port'],
    uiToken: values['ui-token'] ?? env.PREPSTATION_UI_TOKEN,
    dataDir: values['data-dir'],
    shopName: values['shop-name'],
    logLevel: values['log-level'],
  });
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .map(
          (i) =>
            `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${i.message}`,
        )
        .join('; '),
    );
  }
  return parsed.data;
}

/** `prepstation shop serve ...`: runs the headless shop view until SIGINT/SIGTERM. */
export async function shop(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    process.stdout.write(shopHelp() + '\n');
    return sub ? 0 : 2;
  }
  if (sub !== 'serve') {
    process.stderr.write(`prepstation shop: unknown subcommand "${sub}"\n\n${shopHelp()}\n`);
    return 2;
  }
  let o;
  try {
    o = parseShopServeArgs(rest);
  } catch (err) {
    process.stderr.write(`prepstation shop serve: ${(err as Error).message}\n`);
    return 2;
  }
  // pg and the view load only here: `serve` and the other commands never pay for them.
  const { startShopServer } = await import('../shop/view/server.js');
  const { maskDatabaseUrl } = await import('../shop/pg.js');
  let server;
  try {
    server = await startShopServer({ ...o, stdoutLog: true });
  } catch (err) {
    process.stderr.write(`prepstation shop serve: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    [
      `PrepStation shop view ${server.view.live.status().connected ? 'reading' : 'waiting for'} ${maskDatabaseUrl(o.database)}`,
      `Shop view: ${server.url}/?token=${server.token}`,
      '',
    ].join('\n'),
  );
  return await new Promise<number>((resolve) => {
    const onSignal = (): void => {
      const guard = setTimeout(() => process.exit(1), 3000);
      guard.unref();
      server.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
