import type { Context } from 'hono';
import type { BadAppAnswer, RevokeAnswer } from './sign-in-types.ts';

// Answers where Zenoti's documents are silent or only reported second-hand: the mock can give each
// of the plausible ones, so that a client can be tested against all of them.

const REVOKE_ANSWERS: readonly RevokeAnswer[] = ['json', 'text', 'empty', 'no-content'];
const BAD_APP_ANSWERS: readonly BadAppAnswer[] = ['401', '500-4023'];

/** The message of a rejected account or app (reported as Zenoti's "401 Invalid account"). */
export const INVALID_ACCOUNT = 'Invalid account.';

/** Reported as Zenoti's answer to the docs' sample app credentials: HTTP 500, error code 4023. */
export const UNABLE_TO_GENERATE_TOKEN = { code: 4023, message: 'Unable to generate token' } as const;

export function validateRevokeAnswer(value: unknown, name = 'revokeAnswer'): RevokeAnswer {
  if (!REVOKE_ANSWERS.includes(value as RevokeAnswer)) {
    throw new Error(
      `zenoti-mock: ${name} must be one of ${REVOKE_ANSWERS.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as RevokeAnswer;
}

export function validateBadAppAnswer(value: unknown, name = 'badAppAnswer'): BadAppAnswer {
  if (!BAD_APP_ANSWERS.includes(value as BadAppAnswer)) {
    throw new Error(`zenoti-mock: ${name} must be "401" or "500-4023"; got ${JSON.stringify(value)}`);
  }
  return value as BadAppAnswer;
}

/** A successful revoke, answered in the chosen style. */
export function revokedAnswer(c: Context, style: RevokeAnswer): Response {
  switch (style) {
    case 'json':
      return c.json({ success: true, error: null }, 200);
    case 'text':
      return c.text('true', 200);
    case 'empty':
      return c.body(null, 200);
    case 'no-content':
      return c.body(null, 204);
  }
}

/** A password grant with a wrong app secret or an unknown app id, answered in the chosen style. */
export function badAppAnswer(c: Context, style: BadAppAnswer): Response {
  if (style === '500-4023') return c.json({ credentials: null, error: { ...UNABLE_TO_GENERATE_TOKEN } }, 500);
  return c.json({ credentials: null, error: { code: 401, message: INVALID_ACCOUNT } }, 401);
}
