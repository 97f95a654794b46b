import { describe, expect, it } from 'vitest';
import type { MachineLogEntry } from '../../../../main/api/contract.js';
import { describeEntry, isMilestone } from '../../../../renderer/src/lib/timeline-text.js';

const entry = (kind: string, data: Record<string, unknown>): MachineLogEntry => ({
  id: 1,
  machineId: 'm1',
  at: '2026-11-26T12:00:00Z',
  deployment: 1,
  kind,
  data: { kind, ...data },
});
const labels: Record<string, string> = { 'app-7zip': 'Install 7-Zip' };
const label = (id: string) => labels[id] ?? id;

describe('timeline lines', () => {
  it.each<[string, MachineLogEntry, string]>([
    [
      'assigned by batch',
      entry('assigned', { profile: 'acme', profileName: 'Acme PCs', by: 'batch' }),
      'Assigned to Acme PCs (batch)',
    ],
    [
      'step started, second attempt',
      entry('step', { stepId: 'app-7zip', status: 'started', attempt: 2 }),
      'Started: Install 7-Zip (attempt 2)',
    ],
    [
      'step failed with exit code and message',
      entry('step', { stepId: 'app-7zip', status: 'failed', exitCode: 1603, message: 'fatal' }),
      'Failed: Install 7-Zip (exit 1603): fatal',
    ],
    [
      'machine failed',
      entry('failed', { stepId: 'app-7zip', reason: 'installer exited 1603' }),
      'Failed at Install 7-Zip: installer exited 1603',
    ],
    ['done by hand', entry('done', { by: 'technician' }), 'Marked done by the technician'],
    [
      'WinPE download progress',
      entry('winpe', { phase: 'download', status: 'progress', bytes: 2_100_000_000 }),
      'WinPE download progress, 2.1 GB',
    ],
    [
      'WinPE failure',
      entry('winpe', { phase: 'apply', status: 'failed', code: '1392', detail: 'see the log' }),
      'WinPE apply failed (code 1392): see the log',
    ],
    [
      'answer file fetch',
      entry('answer-file', { file: 'autounattend.xml', ip: '10.0.0.5', bytes: 10 }),
      'Answer file autounattend.xml served to 10.0.0.5',
    ],
    ['a kind this build does not know still shows', entry('future-kind', {}), 'future-kind'],
  ])('%s', (_n, e, expected) => {
    expect(describeEntry(e, label)).toBe(expected);
  });

  it('keeps progress and log chatter off the timeline', () => {
    expect(isMilestone(entry('progress', { percent: 5 }))).toBe(false);
    expect(isMilestone(entry('log', { lines: ['x'] }))).toBe(false);
    expect(isMilestone(entry('step', { status: 'started' }))).toBe(true);
  });
});
