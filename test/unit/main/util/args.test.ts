import { describe, expect, it } from 'vitest';
import { parseFlags, stationFlags } from '../../../../main/config/load.js';
import { parseCommandLine } from '../../../../main/util/args.js';

const flags = {
  id: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('parseCommandLine (every command parses with it)', () => {
  it.each([
    [['--id', 'a', '--json'], { id: 'a', json: true }, []],
    [['--id=a=b', 'FILE'], { id: 'a=b' }, ['FILE']],
    [['--id', 'a', '--id', 'b'], { id: 'b' }, []],
    [['--out', '-'], { out: '-' }, []],
    [['-h'], { help: true }, []],
    [['--id=--x'], { id: '--x' }, []],
    [['--', '--json'], {}, ['--json']],
  ])('%j', (argv, values, positionals) => {
    expect(parseCommandLine(argv, flags, { positionals: true })).toEqual({ values, positionals });
  });

  it.each([
    [['--frob', '1'], /^unknown option --frob; known options: --id, --json, --out$/],
    [['--no-json'], /^unknown option --no-json;/],
    [['-x'], /^unknown option -x;/],
    [['--id'], /^--id needs a value$/],
    [['--id', '--json'], /^--id needs a value$/],
    [['--json=yes'], /^--json takes no value$/],
    [['FILE'], /^unexpected argument "FILE"; try --id$/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv, flags, { hint: 'try --id' })).toThrow(message);
  });
});

describe('station options on the command line', () => {
  it('has switches exactly where the schema reads "false" as false', () => {
    const switches = Object.entries(stationFlags())
      .filter(([, f]) => f.type === 'boolean')
      .map(([n]) => n);
    expect(switches).toEqual(expect.arrayContaining(['dhcp-override', 'tftp']));
    expect(switches).not.toContain('http-port');
    expect(switches).not.toContain('stall-minutes'); // a number: "false" is no number
  });

  it.each([
    [['--dhcp-override', '--no-tftp'], { dhcpOverride: true, tftp: false }],
    [['--tftp=false', '--dhcp-override=yes'], { tftp: 'false', dhcpOverride: 'yes' }],
    // Two words, as the station's parser always read a switch (machines-restart uses it).
    [['--tftp', 'false', '--dhcp-override', 'yes'], { tftp: 'false', dhcpOverride: 'yes' }],
    [['--http-port', '0', '--data-dir=/x'], { httpPort: '0', dataDir: '/x' }],
  ])('%j', (argv, want) => {
    expect(parseFlags(argv)).toEqual(want);
  });

  it.each([
    [['--frobnicate', '1'], /unknown option --frobnicate; known options: --data-dir, /],
    [['serve'], /unexpected argument "serve"; options look like --http-port 8080/],
    [['--tftp', 'maybe'], /unexpected argument "maybe"/],
    [['--no-http-port'], /unknown option --no-http-port/],
    [['--http-port'], /--http-port needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(message);
  });
});
