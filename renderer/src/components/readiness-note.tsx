import type { ProfileReadiness } from '../../../main/api/contract';

/** "Not ready: secret "x" is not set" with each fix, or nothing when the profile is ready. */
export function ReadinessNote({
  readiness,
  testId = 'profile-readiness',
}: {
  readiness: ProfileReadiness | null;
  testId?: string;
}) {
  if (!readiness || readiness.ready) return null;
  return (
    <div className="readiness-note" data-testid={testId} role="note">
      <strong>Not ready:</strong>
      <ul className="plain">
        {readiness.problems.map((p) => (
          <li key={`${p.kind}:${p.name}`}>
            {p.message}. <span className="fix">{p.fix}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One sentence for a confirmation dialog. */
export function readinessSentence(r: ProfileReadiness): string {
  return r.problems.map((p) => `${p.message} (${p.fix})`).join('; ');
}
