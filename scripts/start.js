// `npm start`: the desktop app where Electron can run; otherwise the station headless,
// saying why in one line and printing the dashboard URL with its token.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { electronStatus } from './electron-status.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function whyNoDesktop() {
  const s = electronStatus();
  if (s.reason) return s.reason;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  }
  return null;
}

const why = whyNoDesktop();
if (why === null) {
  const child = spawn(electronStatus().binary, [root, ...args], { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
} else {
  process.stdout.write(`Desktop app unavailable (${why}); running the station headless.\n`);
  const cli = pathToFileURL(path.join(root, 'dist', 'main', 'cli.js')).href;
  const { main } = await import(cli);
  const code = await main(['serve', ...args]);
  process.exit(code);
}
