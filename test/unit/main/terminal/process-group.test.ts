import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionMembers } from '../../../../main/terminal/process-group.js';

describe('sessionMembers', () => {
  it('finds the live processes of a session in /proc, whatever their name', () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
    const stats: [pid: number, stat: string][] = [
      // pid (comm) state ppid pgrp session
      [100, '100 (bash) S 1 100 100 34816'],
      [101, '101 (sleep) S 100 101 100 34816'], // a background job: own group, same session
      [102, '102 (weird ) name)) R 100 102 100 0'], // comm with spaces and parentheses
      [103, '103 (defunct) Z 100 103 100 0'], // a zombie runs nothing
      [200, '200 (other) S 1 200 200 0'], // another session
    ];
    for (const [pid, stat] of stats) {
      fs.mkdirSync(path.join(proc, String(pid)));
      fs.writeFileSync(path.join(proc, String(pid), 'stat'), stat);
    }
    fs.mkdirSync(path.join(proc, 'self'));
    expect(sessionMembers(100, proc).sort()).toEqual([100, 101, 102]);
    expect(sessionMembers(200, proc)).toEqual([200]);
    expect(sessionMembers(999, proc)).toEqual([]);
    expect(sessionMembers(100, path.join(proc, 'missing'))).toEqual([]);
    fs.rmSync(proc, { recursive: true });
  });
});
