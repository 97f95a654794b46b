import type { ProfileReadiness } from '../../../main/api/contract';

/** "Not ready: secret "x" is not set" with each fix, or nothing when the profile is ready. */
export function ReadinessNote({
  readiness,
  testId = 'profile-readiness',
  folded = false,
}: {
  readiness: ProfileReadiness | null;
  testId?: string;
  /** A one-line count that unfolds to the reasons (for lists). */
  folded?: boolean;
}) {
  if (!readiness || readiness.ready) return null;
  if (folded) {
    return (
      <details className="readiness-note" data-testid={testId}>
        <summary>{countLine(readiness)}</summary>
        <ul className="plain">
          {readiness.problems.map((p) => (
            <li key={`${p.kind}:${p.name}`}>
              {p.message}. <span className="fix">{p.fix}</span>
            </li>
          ))}
        </ul>
      </details>
    );
  }
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

const kindWords: Record<ProfileReadiness['problems'][number]['kind'], [string, string]> = {
  secret: ['secret', 'secrets'],
  package: ['app package', 'app packages'],
  medium: ['medium', 'media'],
  invalid: ['error', 'errors'],
};

/** "2 secrets, 1 medium missing". */
function countLine(r: ProfileReadiness): string {
  const counts = new Map<string, number>();
  for (const p of r.problems) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => {
    const [one, many] = kindWords[k as keyof typeof kindWords];
    return `${n} ${n === 1 ? one : many}`;
  });
  return `${parts.join(', ')} missing`;
}
