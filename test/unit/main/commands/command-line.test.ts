import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../main/cli.js';

// Every command parses with main/util/args.ts: the same refusals, exit 2, in each of them.
let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-cli-'));

describe('prepstation command lines', () => {
  it.each([
    [['serve', '--frob'], /^prepstation: unknown option --frob; known options: --data-dir, /],
    [['serve', 'now'], /unexpected argument "now"; options look like --http-port 8080/],
    [['serve', '--http-port'], /--http-port needs a value/],
    [
      ['serve', '--dhcp-mode', 'sometimes'],
      /^prepstation: invalid value for --dhcp-mode.*off, proxy, full/,
    ],
    [['apps', 'list', '--frob'], /^prepstation apps: unknown option --frob;.*--json/],
    [['apps', 'import', 'a.exe', 'b.exe'], /^prepstation apps: unexpected argument "b.exe"/],
    [['apps', 'import', 'a.exe', '--name'], /^prepstation apps: --name needs a value/],
    [['media', 'list', '--id', 'x'], /^prepstation media: unknown option --id;/],
    [['media', 'delete', '--json'], /^prepstation media: unknown option --json;/],
    [['drivers', 'list', '--winpe=yes'], /^prepstation drivers: --winpe takes no value/],
    [['boot', 'fetch-wimboot', '--url'], /^prepstation boot fetch-wimboot: --url needs a value/],
    [
      ['check', '--frob'],
      /^prepstation check: unknown option --frob; known options: --data-dir, --files$/m,
    ],
    [['render', 'p', '--frob'], /^prepstation render: unknown option --frob;/],
    [['report', '--frob'], /^prepstation report: unknown option --frob;/],
    [
      ['simulate', '--station', 'http://x', '--frob'],
      /^prepstation simulate: unknown option --frob;/,
    ],
    [['shop', 'serve', '--frob'], /^prepstation shop serve: unknown option --frob;/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    expect(await main([...argv, '--data-dir', dataDir])).toBe(2);
    expect(err).toMatch(message);
  });

  it.each([
    ['serve'],
    ['apps', 'list'],
    ['media', 'delete'],
    ['drivers', 'list'],
    ['check'],
    ['report'],
    ['render'],
  ])('%j --help prints the help (exit 0)', async (...argv) => {
    expect(await main([...argv, '--help'])).toBe(0);
    expect(out).toMatch(/prepstation /);
    expect(err).toBe('');
  });

  it.each([['apps'], ['media'], ['drivers']])(
    '%s: no subcommand prints the help (exit 2), --help too (exit 0), an unknown one is refused',
    async (cmd) => {
      expect(await main([cmd])).toBe(2);
      expect(out).toMatch(new RegExp(`^prepstation ${cmd} `));
      expect(await main([cmd, '--help'])).toBe(0);
      expect(await main([cmd, 'frob'])).toBe(2);
      expect(err).toMatch(new RegExp(`^prepstation ${cmd}: unknown subcommand "frob"\\n`));
    },
  );

  it('takes a station switch as --name, --no-name or --name=false', async () => {
    expect(await main(['apps', 'list', '--json', '--no-tftp', '--data-dir', dataDir])).toBe(0);
    expect(await main(['apps', 'list', '--json', '--tftp=false', '--data-dir', dataDir])).toBe(0);
    expect(await main(['apps', 'list', '--tftp=sometimes', '--data-dir', dataDir])).toBe(2);
    expect(err).toMatch(/invalid value for --tftp/);
  });
});
