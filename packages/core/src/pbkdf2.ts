/**
 * PBKDF2-SHA-256 iterations for a secret that a person chose (a password, a passphrase): OWASP's
 * figure for SHA-256. Checking one guess against anything derived from it costs this much work.
 */
export const PBKDF2_ITERATIONS = 600_000;

/**
 * Cloudflare's Workers runtime refuses PBKDF2 above 100,000 iterations in one call (workerd run
 * locally does not), so the work is done in rounds of that size, each keyed on the output of the one
 * before: no round can start before the previous one ends, so a guess still costs every iteration.
 */
const ITERATIONS_PER_ROUND = 100_000;

async function rounds(subtle: SubtleCrypto, secret: Uint8Array<ArrayBuffer>, salt: BufferSource) {
  let bits = secret;
  for (let done = 0; done < PBKDF2_ITERATIONS; done += ITERATIONS_PER_ROUND) {
    const round = await subtle.importKey('raw', bits, 'PBKDF2', false, ['deriveBits']);
    const params = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS_PER_ROUND };
    bits = new Uint8Array(await subtle.deriveBits(params, round, 256));
  }
  return bits;
}

/**
 * Results of this process, so that engines, stores or requests that each start from the same
 * secret pay for it once (about 0.1 to 0.2 s of CPU). Keyed by a SHA-256 of salt and secret: no
 * secret is held in a key. The oldest is dropped past {@link MAX_KEPT}.
 */
const kept = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
const MAX_KEPT = 100;

/** 32 bytes stretched from `secret` with PBKDF2-SHA-256 ({@link PBKDF2_ITERATIONS} in all): read, never change them. */
export async function pbkdf2(
  secret: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = crypto.subtle;
  // The salt's length first, so that no two (salt, secret) pairs give the same input.
  const input = new Uint8Array([salt.length >> 8, salt.length & 255, ...salt, ...secret]);
  const id = String.fromCharCode(...new Uint8Array(await subtle.digest('SHA-256', input)));
  let bits = kept.get(id);
  if (!bits) {
    bits = rounds(subtle, secret, salt);
    kept.set(id, bits);
    bits.catch(() => kept.delete(id));
    if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
  }
  return bits;
}
