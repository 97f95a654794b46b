import { describe, expect, it } from 'vitest';
import {
  localShell,
  sessionEnv,
  sshCommand,
  validSshHost,
  validSshUser,
} from '../../../../main/terminal/command.js';

describe('terminal commands', () => {
  it.each([
    ['root', true],
    ['Administrator', true],
    ['BENCH\\tech', true],
    ['tech@bench.lan', true],
    ['-oProxyCommand=x', false],
    ['ro ot', false],
    ['', false],
    ['a"b', false],
  ])('user %j valid: %s', (u, ok) => expect(validSshUser(u)).toBe(ok));

  it.each([
    ['10.0.0.5', true],
    ['fe80::1', true],
    ['pc-042.bench.lan', true],
    ['-oProxyCommand=x', false],
    ['host name', false],
    ['a;b', false],
    ['', false],
  ])('host %j valid: %s', (h, ok) => expect(validSshHost(h)).toBe(ok));

  it('builds ssh with the station known_hosts, a per-deployment key alias and -- before the host', () => {
    const spec = sshCommand(
      { user: 'root', host: 'fe80::1', port: 2222, hostKeyAlias: 'prepstation-m1-3' },
      '/data/My Station/ssh_known_hosts',
      '/usr/bin/ssh',
    );
    expect(spec).toEqual({
      file: '/usr/bin/ssh',
      args: [
        '-o',
        'UserKnownHostsFile="/data/My Station/ssh_known_hosts"',
        '-o',
        'StrictHostKeyChecking=accept-new',
        '-o',
        'ServerAliveInterval=15',
        '-o',
        'HostKeyAlias=prepstation-m1-3',
        '-p',
        '2222',
        '-l',
        'root',
        '--',
        'fe80::1',
      ],
      title: 'root@[fe80::1]',
    });
    expect(() => sshCommand({ user: 'root', host: '-oProxyCommand=x' }, '/k')).toThrow(
      /valid host/,
    );
  });

  it('runs the SHELL, PowerShell on Windows', () => {
    expect(localShell('linux', { SHELL: '/bin/zsh' })).toMatchObject({
      file: '/bin/zsh',
      args: [],
    });
    expect(localShell('linux', {})).toMatchObject({ file: '/bin/bash' });
    expect(localShell('win32', {}).file).toBe('powershell.exe');
  });

  it('keeps the station settings (and so its token) out of the shell environment', () => {
    const env = sessionEnv({ PATH: '/bin', PREPSTATION_UI_TOKEN: 'secret-token', TERM: 'dumb' });
    expect(env).toEqual({ PATH: '/bin', TERM: 'xterm-256color', COLORTERM: 'truecolor' });
  });
});
