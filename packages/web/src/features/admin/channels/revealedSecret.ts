/**
 * The site secret the create answer shows once, carried to the edit page the new-inbox page turns into (the
 * route changes, the component is made anew). Read once, then gone: it is never fetched again.
 */
let revealed: { id: number; secret: string } | undefined;

export function revealSecret(id: number, secret: string): void {
  revealed = { id, secret };
}

export function takeRevealedSecret(id: number): string {
  if (revealed?.id !== id) return "";
  const { secret } = revealed;
  revealed = undefined;
  return secret;
}
