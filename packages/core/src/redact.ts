/**
 * A short, non-reversible label for a secret: `…` plus its last four characters,
 * or `…` alone for values too short to show any part of.
 */
export function redact(secret: string | undefined | null): string {
  if (!secret) return '…';
  if (secret.length < 12) return '…';
  return `…${secret.slice(-4)}`;
}
