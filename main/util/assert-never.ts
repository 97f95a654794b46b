/**
 * The default branch of a switch over a union: the compiler refuses the call while a member is
 * unhandled (x is not `never` then), and at run time a value the types ruled out (a row from an
 * older database, a peer that lies) stops with its contents instead of falling through.
 * `what` names the union for that message ("boot decision", "packet").
 */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
