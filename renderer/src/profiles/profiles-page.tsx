export function ProfilesPage({ profileId }: { profileId: string | null }) {
  return (
    <section className="page" data-testid="profiles-page">
      <h1>Profiles {profileId}</h1>
    </section>
  );
}
