import { describe, expect, it } from 'vitest';
import { buildPlanSteps } from '../../../../main/agent/plan.js';
import { profileSchema, type Profile } from '../../../../main/profiles/schema.js';
import { acmeInput } from '../../../helpers/fixtures.js';

/**
 * Every check step carries what it expects in params, so that an agent can compare and
 * report PASS or FAIL with both values (docs/agent-protocol.md, "Checks"). The expected
 * hostname is per machine: the station adds it when it serves the plan (profilePlanParams).
 */
describe('check steps carry their expected value', () => {
  // A Linux target (the Windows target's schema is another issue's); the join target is
  // set on the parsed profile, as the schema allows a domain for Windows targets only.
  const profile = (join: Profile['join']): Profile => ({
    ...profileSchema.parse({
      ...acmeInput,
      apps: [
        {
          id: 'seven',
          name: '7-Zip',
          installer: 'msi',
          source: { package: 'seven' },
          detect: { type: 'uninstall-key', displayName: '7-Zip' },
        },
      ],
      config: [],
      checks: [
        { id: 'app', type: 'app-installed', app: 'seven' },
        { id: 'reg', type: 'registry', key: 'HKLM\\SOFTWARE\\A', valueName: 'B', expected: 1 },
        { id: 'file', type: 'file-exists', path: 'C:\\a.txt' },
        { id: 'svc', type: 'service', service: 'Spooler' },
        { id: 'cmd', type: 'command', shell: 'cmd', command: 'ver', expectedExitCode: 3 },
        { id: 'host', type: 'hostname' },
        { id: 'join', type: 'joined' },
      ],
    }),
    join,
  });
  const params = (join: Profile['join']) =>
    Object.fromEntries(
      buildPlanSteps(profile(join))
        .filter((s) => s.kind === 'check')
        .map((s) => [s.id, { params: s.params, successCodes: s.successCodes }]),
    );

  it('app-installed, registry, file-exists, service, command, joined', () => {
    const p = params({ type: 'workgroup', name: 'BENCH' });
    expect(p['check-app']!.params).toMatchObject({ expected: 'installed' });
    expect(p['check-reg']!.params).toMatchObject({ expected: 1 });
    expect(p['check-file']!.params).toMatchObject({ expected: 'exists' });
    expect(p['check-svc']!.params).toMatchObject({ expected: 'running' });
    expect(p['check-cmd']!.successCodes).toEqual([3]);
    expect(p['check-join']!.params).toMatchObject({
      expected: { type: 'workgroup', name: 'BENCH' },
    });
  });

  it('a domain join expects the domain, never carries its password', () => {
    const p = params({
      type: 'domain',
      domain: 'corp.example.com',
      username: 'joiner',
      password: { secret: 'join-pass' },
    });
    expect(p['check-join']!.params.expected).toEqual({
      type: 'domain',
      domain: 'corp.example.com',
    });
    expect(JSON.stringify(p['check-join'])).not.toContain('join-pass');
  });
});
