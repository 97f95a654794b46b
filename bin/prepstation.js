#!/usr/bin/env node
// The `prepstation` command. Runs the compiled station in dist/ (built by `npm ci` / `npm run build`).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/main/cli.js', import.meta.url);
if (!fs.existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'prepstation: not built yet; run `npm run build` in the PrepStation folder\n',
  );
  process.exit(1);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// The station's sockets are closed by now; do not wait for stray timers.
setImmediate(() => process.exit(code));
