import type { PlanResponse } from './protocol.js';

/**
 * The plan as shell variable assignments (GET /agent/v1/plan?format=sh), so a POSIX sh
 * agent on busybox, which has no JSON parser, can `. ./plan.sh`. Every value is single
 * quoted; a single quote inside becomes '\'' and newlines stay inside the quotes, which is
 * what sh, dash and busybox ash all read back unchanged.
 */
export function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function planAsSh(p: PlanResponse): string {
  const lines: string[] = ['# PrepStation plan; source this file with: . ./plan.sh'];
  const set = (k: string, v: string | number | null | undefined): void => {
    lines.push(`${k}=${shQuote(v === null || v === undefined ? '' : String(v))}`);
  };
  set('PLAN_MACHINE', p.machineId);
  set('PLAN_DEPLOYMENT', p.deployment);
  set('PLAN_PROFILE', p.profile);
  set('PLAN_PROFILE_VERSION', p.profileVersion);
  set('PLAN_STATE', p.state);
  set('PLAN_REVISION', p.planRevision);
  set('PLAN_LAST_SEQ', p.lastSeq);
  set('PLAN_NEXT', p.next);
  set('PLAN_HEARTBEAT_SECONDS', p.heartbeatSeconds);
  set('PLAN_COUNT', p.steps.length);
  p.steps.forEach((s, i) => {
    const n = `STEP_${i + 1}_`;
    const st = p.status[s.id];
    set(`${n}ID`, s.id);
    set(`${n}KIND`, s.kind);
    set(`${n}TYPE`, s.type);
    set(`${n}LABEL`, s.label);
    set(`${n}STATUS`, st?.status ?? 'pending');
    set(`${n}ATTEMPT`, st?.attempt ?? 0);
    set(`${n}URL`, s.download?.url);
    set(`${n}FILE`, s.download?.name);
    set(`${n}SIZE`, s.download?.size);
    set(`${n}SHA256`, s.download?.sha256);
    set(`${n}COMMAND`, s.command);
    set(`${n}SHELL`, s.shell);
    set(`${n}SUCCESS_CODES`, s.successCodes.join(' '));
    set(`${n}REBOOT_CODES`, s.rebootCodes.join(' '));
    set(`${n}TIMEOUT`, s.timeoutSeconds);
    set(`${n}RETRIES`, s.retries);
    set(`${n}PARAMS`, JSON.stringify(s.params));
  });
  return lines.join('\n') + '\n';
}
