import { describe, expect, it } from 'vitest';
import { absolutePlanSteps, buildPlanSteps } from '../../../../main/agent/plan.js';
import { profileSchema } from '../../../../main/profiles/schema.js';
import { ACME_STEPS, acme, acmeInput } from '../../../helpers/fixtures.js';

describe('buildPlanSteps', () => {
  it('orders inventory, apps, config, checks and carries codes, timeouts, retries', () => {
    const steps = buildPlanSteps(acme);
    expect(steps.map((s) => s.id)).toEqual(ACME_STEPS);
    const ff = steps[2]!;
    expect(ff).toMatchObject({
      kind: 'app',
      shell: 'sh',
      successCodes: [0],
      rebootCodes: [3010, 1641],
      timeoutSeconds: 1800,
      retries: 1,
      download: null,
    });
    expect(ff.command).toContain('apt-get install -y firefox');
    expect(steps[4]).toMatchObject({
      kind: 'config',
      params: { path: '/etc/motd', content: 'welcome' },
    });
    expect(steps[5]).toMatchObject({ kind: 'check', params: { app: 'firefox' } });
  });

  it('makes station paths absolute and leaves outside URLs alone', () => {
    const p = profileSchema.parse({
      ...acmeInput,
      apps: [
        {
          id: 'chrome',
          name: 'Chrome',
          installer: 'msi',
          args: '/qn /norestart',
          source: { url: 'https://dl.example.com/chrome.msi', sha256: 'a'.repeat(64), size: 100 },
        },
        { id: 'tool', name: 'Tool', installer: 'exe', source: { package: 'tool' } },
      ],
      checks: [],
    });
    const steps = absolutePlanSteps(
      buildPlanSteps(p, {
        packages: (id) => ({ path: `library/${id}/setup v2.exe`, size: 5, sha256: 'b'.repeat(64) }),
      }),
      'http://10.0.0.1:8080',
    );
    expect(steps[2]!.download).toEqual({
      url: 'https://dl.example.com/chrome.msi',
      size: 100,
      sha256: 'a'.repeat(64),
      name: 'chrome.msi',
    });
    expect(steps[2]!.command).toBe('msiexec /i "{file}" /qn /norestart');
    expect(steps[3]!.download).toEqual({
      url: 'http://10.0.0.1:8080/files/library/tool/setup%20v2.exe',
      size: 5,
      sha256: 'b'.repeat(64),
      name: 'setup v2.exe',
    });
  });

  it('leaves out disabled items', () => {
    const p = profileSchema.parse({
      ...acmeInput,
      apps: [{ ...acmeInput.apps![0]!, enabled: false }],
      checks: [],
    });
    expect(buildPlanSteps(p).map((s) => s.id)).toEqual([
      'inventory',
      'config-local-admin',
      'config-motd',
    ]);
  });

  it('sets the real local admin password right after inventory, by secret name (issue 13)', () => {
    const [, admin] = buildPlanSteps(acme);
    expect(admin).toMatchObject({
      id: 'config-local-admin',
      kind: 'config',
      type: 'local-admin-password',
      params: { user: 'admin', secret: 'admin-password' },
    });
    // The plan carries the name only, never the value.
    expect(JSON.stringify(admin)).not.toContain('Adm1n-pw');
  });
});
