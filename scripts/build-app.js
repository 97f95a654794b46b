// Compiles the Electron shell (main/app) when the electron package is here; the station
// itself never needs it. Prints why it skipped, so a missing desktop build is never silent.
import { spawnSync } from 'node:child_process';
import { electronStatus } from './electron-status.js';

const mode = process.argv[2] === '--check' ? ['--noEmit'] : [];
const status = electronStatus();
if (!status.types) {
  console.log(`desktop shell (main/app) not compiled: ${status.reason}`);
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.app.json', ...mode], { stdio: 'inherit' });
process.exit(r.status ?? 1);
