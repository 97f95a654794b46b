/** A screen whose feature is not in this build yet: says so plainly instead of pretending. */
export function NotYetPage({ title, what }: { title: string; what: string }) {
  return (
    <section className="page" data-testid={`page-${title.toLowerCase()}`}>
      <h1>{title}</h1>
      <p className="empty">{what}</p>
    </section>
  );
}
