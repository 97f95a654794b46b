import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseFlags } from '../../../../main/config/load.js';
import { defaultDataDir, envName } from '../../../../main/config/options.js';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ps-config-'));
}

describe('loadConfig', () => {
  it('uses defaults, with DHCP off', () => {
    const dir = tmp();
    const { options, sources } = loadConfig(['--data-dir', dir], {});
    expect(options.dhcpMode).toBe('off');
    expect(options.httpPort).toBe(8080);
    expect(options.uiHost).toBe('127.0.0.1');
    expect(options.uiPort).toBe(7780);
    expect(sources.httpPort).toBe('default');
    expect(options.uefiLoader).toBe('ipxe.efi');
    expect(
      loadConfig(['--data-dir', dir, '--uefi-loader', 'snponly.efi'], {}).options.uefiLoader,
    ).toBe('snponly.efi');
  });

  it('takes flags over env over config.yaml over defaults', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      'http-port: 9001\nui-port: 9002\ntftp-port: 9003\n',
    );
    const env = { PREPSTATION_HTTP_PORT: '9101', PREPSTATION_UI_PORT: '9102' };
    const { options, sources } = loadConfig(['--data-dir', dir, '--http-port=9201'], env);
    expect(options.httpPort).toBe(9201);
    expect(sources.httpPort).toBe('flag');
    expect(options.uiPort).toBe(9102);
    expect(sources.uiPort).toBe('env');
    expect(options.tftpPort).toBe(9003);
    expect(sources.tftpPort).toBe('file');
  });

  it.each([
    [['--http-port', 'eighty'], /--http-port.*port number/],
    [['--http-port', '70000'], /--http-port.*0-65535/],
    [['--dhcp-mode', 'on'], /--dhcp-mode.*off, proxy, full/],
    [['--uefi-loader', 'snp.efi'], /--uefi-loader.*ipxe\.efi, snponly\.efi/],
    [['--bench-address', '10.0.0'], /--bench-address.*IPv4/],
    [['--dhcp-mode', 'full', '--bench-address', '10.0.0.1'], /--dhcp-range/],
    [['--dhcp-mode', 'proxy'], /--bench-address/],
    [['--frobnicate', '1'], /unknown option --frobnicate/],
  ])('refuses %j naming the option', (argv, message) => {
    expect(() => loadConfig(['--data-dir', tmp(), ...argv], {})).toThrow(message);
  });

  it('names the env var when the bad value came from the environment', () => {
    expect(() => loadConfig(['--data-dir', tmp()], { PREPSTATION_UI_PORT: 'x' })).toThrow(
      /PREPSTATION_UI_PORT/,
    );
  });

  it('reports a broken config.yaml with line and column', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'http-port: 1\n  ui-port: [\n');
    expect(() => loadConfig(['--data-dir', dir], {})).toThrow(/config\.yaml:\d+:\d+/);
  });

  it('refuses unknown keys in config.yaml', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'htp-port: 1\n');
    expect(() => loadConfig(['--data-dir', dir], {})).toThrow(ConfigError);
  });
});

describe('parseFlags', () => {
  it('reads booleans and negations', () => {
    expect(parseFlags(['--dhcp-override', '--no-tftp'])).toEqual({
      dhcpOverride: true,
      tftp: false,
    });
  });
});

describe('names', () => {
  it('derives env names and data dirs per OS', () => {
    expect(envName('dhcpRange')).toBe('PREPSTATION_DHCP_RANGE');
    expect(defaultDataDir('linux', {}, '/home/t')).toBe('/home/t/.local/share/prepstation');
    expect(
      defaultDataDir('win32', { APPDATA: 'C:\\Users\\t\\AppData\\Roaming' }, 'C:\\Users\\t'),
    ).toMatch(/PrepStation$/);
    expect(defaultDataDir('darwin', {}, '/Users/t')).toBe(
      '/Users/t/Library/Application Support/PrepStation',
    );
  });
});
