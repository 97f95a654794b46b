// Sandboxed preload (CommonJS, as Electron requires): exposes named native actions only,
// never ipcRenderer itself or a generic send(channel).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
import electron = require('electron');
import type { NativeApi } from './native-api.js';

const { contextBridge, ipcRenderer } = electron;

const api: NativeApi = {
  saveFile: (suggestedName, data) =>
    ipcRenderer.invoke('prepstation:save-file', suggestedName, data),
  printToPdf: (suggestedName) => ipcRenderer.invoke('prepstation:print-to-pdf', suggestedName),
  openFolder: (which) => ipcRenderer.invoke('prepstation:open-folder', which),
};

contextBridge.exposeInMainWorld('prepstation', api);
