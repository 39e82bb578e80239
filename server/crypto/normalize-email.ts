/**
 * The one email normalisation (trim, NFC, lowercase) for the blind index, storage and "password equals email".
 * Dependency-free so browser forms validate with exactly the server's rules.
 */
export function normalizeEmail(email: string) {
  return email.trim().normalize("NFC").toLowerCase();
}
