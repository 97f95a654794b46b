// The desktop shell. The ONLY folder that imports 'electron': everything it shows comes from
// the station's UI listener, exactly as in a browser; the preload adds the native actions.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { loadConfig, type ConfigError } from '../config/load.js';
import { Station } from '../station.js';
import type { NativeResult } from './native-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let station: Station | null = null;
let win: BrowserWindow | null = null;

function uiOrigin(): string {
  return station ? new URL(station.uiUrl).origin : '';
}

/** Only our own page may call native actions: never a navigated-away or injected frame. */
function fromOurPage(e: IpcMainInvokeEvent): boolean {
  const url = e.senderFrame?.url ?? '';
  return url !== '' && new URL(url).origin === uiOrigin();
}

function guard<A extends unknown[], T>(
  fn: (e: IpcMainInvokeEvent, ...args: A) => Promise<T>,
): (e: IpcMainInvokeEvent, ...args: A) => Promise<NativeResult<T>> {
  return async (e, ...args) => {
    if (!fromOurPage(e)) {
      return { ok: false, error: { code: 'forbidden', message: 'Not from the PrepStation page.' } };
    }
    try {
      return { ok: true, value: await fn(e, ...args) };
    } catch (err) {
      return { ok: false, error: { code: 'native_failed', message: (err as Error).message } };
    }
  };
}

function registerNativeActions(): void {
  ipcMain.handle(
    'prepstation:save-file',
    guard(async (_e, suggestedName: string, data: Uint8Array | string) => {
      const r = await dialog.showSaveDialog(win!, { defaultPath: suggestedName });
      if (r.canceled || !r.filePath) return { saved: false as const };
      await fs.promises.writeFile(r.filePath, data);
      return { saved: true as const, path: r.filePath };
    }),
  );
  ipcMain.handle(
    'prepstation:print-to-pdf',
    guard(async (e, suggestedName: string) => {
      const pdf = await e.sender.printToPDF({ printBackground: true, pageSize: 'A4' });
      const r = await dialog.showSaveDialog(win!, { defaultPath: suggestedName });
      if (r.canceled || !r.filePath) return { saved: false as const };
      await fs.promises.writeFile(r.filePath, pdf);
      return { saved: true as const, path: r.filePath };
    }),
  );
  ipcMain.handle(
    'prepstation:open-folder',
    guard(async (_e, which: 'data' | 'profiles' | 'files' | 'logs') => {
      const p = station!.ctx.paths;
      const dir = { data: p.dataDir, profiles: p.profilesDir, files: p.filesDir, logs: p.logsDir }[
        which
      ];
      if (!dir) throw new Error(`unknown folder ${String(which)}`);
      const err = await shell.openPath(dir);
      if (err) throw new Error(err);
      return { opened: dir };
    }),
  );
}

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'PrepStation',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const origin = uiOrigin();
  // Deny navigation away from the station's UI and every window.open; links open in the browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (new URL(url).origin !== origin) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url) && new URL(url).origin !== origin) void shell.openExternal(url);
    return { action: 'deny' };
  });
  await win.loadURL(`${station!.uiUrl}/?token=${encodeURIComponent(station!.ctx.uiToken)}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(app.isPackaged ? 1 : 2).filter((a) => a.startsWith('--'));
  let options;
  try {
    options = loadConfig(argv, process.env, { dataDir: app.getPath('userData') }).options;
  } catch (err) {
    dialog.showErrorBox('PrepStation cannot start', (err as ConfigError).message);
    app.exit(2);
    return;
  }
  await app.whenReady();
  station = await Station.start(options, { stdoutLog: true });
  registerNativeActions();
  await createWindow();
  app.on('window-all-closed', () => app.quit());
}

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !station) return;
  e.preventDefault();
  quitting = true;
  void station.stop().finally(() => app.quit());
});

void main();
