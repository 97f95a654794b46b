import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from './package-root.js';

const loaded = new Map<string, unknown>();

/**
 * One of the Node-API addons native/build.mjs builds at install (native/build/Release/
 * <name>.node), loaded once; null where it is not there (not Linux, no compiler) or when
 * `disabledBy` names an environment variable set to 1. Callers fall back without it.
 */
export function nativeAddon<T>(name: string, disabledBy?: string): T | null {
  if (loaded.has(name)) return loaded.get(name) as T | null;
  let addon: T | null = null;
  if (process.platform === 'linux' && !(disabledBy && process.env[disabledBy] === '1')) {
    try {
      const require = createRequire(import.meta.url);
      addon = require(path.join(packageRoot(), 'native', 'build', 'Release', `${name}.node`)) as T;
    } catch {
      addon = null;
    }
  }
  loaded.set(name, addon);
  return addon;
}
