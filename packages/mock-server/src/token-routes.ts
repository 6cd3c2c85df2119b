import type { Context, Hono } from 'hono';
import { badAppAnswer, INVALID_ACCOUNT, revokedAnswer } from './answer-styles.ts';
import { userKeyOf } from './directory.ts';
import { authenticate, chargeRateLimit } from './guard.ts';
import { accountOfToken, guid, zenotiTimestamp } from './ids.ts';
import type { TokenOwner, TokenPair } from './issued-tokens.ts';
import { LOCKED_MESSAGE } from './lockout.ts';
import { policyEvaluation, type ResolvedLoginPolicy } from './login-policy.ts';
import { denied, tokenError } from './responses.ts';
import type { MockState } from './state.ts';

type Body = Record<string, unknown>;

const BAD_LOGIN = 'The username or password is incorrect.';
const BAD_REFRESH = 'The refresh token is invalid or expired.';

/** Reads a JSON or form-encoded body; a string is the 400 message when it cannot be read. */
async function readBody(c: Context): Promise<Body | string> {
  const text = await c.req.text();
  if ((c.req.header('content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'The request body must be a JSON object.';
  }
  return parsed as Body;
}

/** The 400 message for a missing, empty or non-string field, else `undefined`. */
function fieldProblem(body: Body, field: string, optional = false): string | undefined {
  const value = body[field];
  if (optional && value === undefined) return undefined;
  if (value === undefined || value === null || value === '') return `'${field}' is required.`;
  if (typeof value !== 'string') return `'${field}' must be a string.`;
  return undefined;
}

/** The organisation a token call counts against: `account_name`, else the refresh token's owner. */
function accountOfCall(state: MockState, body: Body): string | undefined {
  if (typeof body.account_name === 'string') {
    const org = state.directory.org(body.account_name);
    if (org) return org.accountName;
  }
  if (typeof body.refresh_token === 'string') {
    const owner = state.tokens.peekRefresh(body.refresh_token);
    if (owner) return owner.accountName;
    const prefix = accountOfToken(body.refresh_token);
    if (prefix !== undefined) return state.directory.org(prefix)?.accountName;
  }
  return undefined;
}

function success(
  c: Context,
  owner: TokenOwner,
  issued: TokenPair,
  policy: ResolvedLoginPolicy | undefined,
): Response {
  return c.json(
    {
      credentials: {
        access_token: issued.accessToken,
        access_token_expiry: zenotiTimestamp(issued.accessExpiresAt),
        refresh_token: issued.refreshToken,
        refresh_token_expiry: zenotiTimestamp(issued.refreshExpiresAt),
        token_type: 'bearer',
        token_id: issued.tokenId,
        app_id: owner.appId,
        user_type: owner.userType,
      },
      login_policy_evaluation: policyEvaluation(policy),
      error: null,
    },
    200,
  );
}

/**
 * A login the user's policy does not allow: no tokens, `credentials: null` and no error, as the
 * `allowlogin: false` evaluation is the answer (Zenoti's password policies and 2FA surface this way).
 */
function blocked(c: Context, policy: ResolvedLoginPolicy): Response {
  return c.json({ credentials: null, login_policy_evaluation: policyEvaluation(policy), error: null }, 200);
}

/** The login policy of a token's owner, if the user has one. */
function policyOf(state: MockState, owner: TokenOwner): ResolvedLoginPolicy | undefined {
  return state.directory.org(owner.accountName)?.users.get(owner.username.toLowerCase())?.loginPolicy;
}

/**
 * Zenoti's lockout around the password check: a locked login is refused whatever the password; a
 * wrong one counts towards a lock (the attempt that reaches the limit already gets the lockout
 * answer); a right one clears the count. Returns the 401 message, or `undefined` to go ahead.
 */
function checkPassword(state: MockState, userKey: string, correct: boolean): string | undefined {
  const now = state.now();
  const live = state.counters.live.token;
  if (state.lockout.isLocked(userKey, now)) {
    live.lockedOut++;
    return LOCKED_MESSAGE;
  }
  if (correct) {
    state.lockout.recordSuccess(userKey);
    return undefined;
  }
  if (!state.lockout.recordFailure(userKey, now)) return BAD_LOGIN;
  live.lockouts++;
  live.lockedOut++;
  return LOCKED_MESSAGE;
}

function passwordGrant(c: Context, state: MockState, body: Body): Response {
  const counters = state.counters.live.token.password;
  for (const field of ['account_name', 'user_name', 'password', 'app_id', 'app_secret']) {
    const problem = fieldProblem(body, field);
    if (problem) {
      counters.invalid++;
      return tokenError(c, 400, problem);
    }
  }
  const deviceProblem = fieldProblem(body, 'device_id', true);
  if (deviceProblem) {
    counters.invalid++;
    return tokenError(c, 400, deviceProblem);
  }
  const { account_name, user_name, password, app_id, app_secret } = body as Record<string, string>;
  const org = state.directory.org(account_name as string);
  if (!org) {
    counters.rejected++;
    return tokenError(c, 401, INVALID_ACCOUNT);
  }
  const app = org.apps.get((app_id as string).toLowerCase());
  if (!app || app.appSecret !== app_secret) {
    counters.rejected++;
    return badAppAnswer(c, state.badAppAnswer);
  }
  const user = org.users.get((user_name as string).toLowerCase());
  // A guest app logs in only guests and an employee app only employees: anyone else is unknown to it.
  if (!user || user.userType !== app.userType) {
    counters.rejected++;
    return tokenError(c, 401, BAD_LOGIN);
  }
  const refused = checkPassword(state, userKeyOf(org.accountName, user.username), user.password === password);
  if (refused) {
    counters.rejected++;
    return tokenError(c, 401, refused);
  }
  // The policy is evaluated once the password is known to be right (the lockout count is cleared).
  const policy = user.loginPolicy;
  if (policy && !policy.allowLogin) {
    counters.blocked++;
    return blocked(c, policy);
  }
  const owner: TokenOwner = {
    accountName: org.accountName,
    username: user.username,
    userKey: userKeyOf(org.accountName, user.username),
    appId: app_id as string,
    userType: user.userType,
    ...(user.guestId === undefined ? {} : { guestId: user.guestId }),
    session: guid(),
  };
  const issued = state.tokens.issue(owner, state.now(), state.accessTokenTtlMs, state.refreshTokenTtlMs);
  counters.ok++;
  return success(c, owner, issued, policy);
}

function refreshGrant(c: Context, state: MockState, body: Body): Response {
  const counters = state.counters.live.token.refresh;
  const problem = fieldProblem(body, 'refresh_token');
  if (problem) {
    counters.invalid++;
    return tokenError(c, 400, problem);
  }
  const now = state.now();
  const token = body.refresh_token as string;
  // Assumed (Zenoti is silent): a refresh evaluates the user's login policy like a login, unless
  // `loginPolicyOnRefresh` is off. A blocked refresh changes nothing: the refresh token stays usable.
  const held = state.tokens.peekRefresh(token);
  const policy =
    held && now < held.expiresAt && state.loginPolicyOnRefresh ? policyOf(state, held) : undefined;
  if (policy && !policy.allowLogin) {
    counters.blocked++;
    return blocked(c, policy);
  }
  const record = state.tokens.consumeRefresh(token, now);
  if (!record) {
    counters.rejected++;
    refusedReuse(state, token, now);
    return tokenError(c, 401, BAD_REFRESH);
  }
  const { expiresAt: _, ...owner } = record;
  const issued = state.tokens.issue(owner, now, state.accessTokenTtlMs, state.refreshTokenTtlMs);
  // Zenoti: a refresh deactivates the existing access tokens (of this user, through this app).
  state.tokens.kill(owner.userKey, { appId: owner.appId, refresh: false, keepAccess: issued.accessToken });
  counters.ok++;
  return success(c, owner, issued, policy);
}

/**
 * A refresh token sent again after it was used: counted, and with `refreshReuse: 'end-session'` its
 * whole session ends (every access and refresh token issued since that sign-in), as OAuth providers
 * commonly answer a reused refresh token. A password grant starts a new session, which lives on.
 */
function refusedReuse(state: MockState, token: string, now: number): void {
  const spent = state.tokens.spent(token, now);
  if (!spent) return;
  const live = state.counters.live.token;
  live.refreshReused++;
  if (state.refreshReuse !== 'end-session') return;
  state.tokens.kill(spent.userKey, { session: spent.session });
  live.sessionsEnded++;
}

/** `POST /v1/tokens` (password and refresh grants) and `DELETE /v1/tokens/sessions/revoke`. */
export function registerTokenRoutes(app: Hono, state: MockState): void {
  app.post('/v1/tokens', async (c) => {
    const body = await readBody(c);
    if (typeof body === 'string') return tokenError(c, 400, body);
    const account = accountOfCall(state, body);
    if (account !== undefined) {
      const limited = chargeRateLimit(c, state, account);
      if (limited) {
        state.counters.live.token.rateLimited++;
        return limited;
      }
    }
    const grantProblem = fieldProblem(body, 'grant_type');
    if (grantProblem) return tokenError(c, 400, grantProblem);
    if (body.grant_type === 'password') return passwordGrant(c, state, body);
    if (body.grant_type === 'refresh_token') return refreshGrant(c, state, body);
    return tokenError(c, 400, `Unsupported 'grant_type': use "password" or "refresh_token".`);
  });

  app.delete('/v1/tokens/sessions/revoke', (c) => {
    const counters = state.counters.live.revoke;
    const principal = authenticate(state, c.req.header('authorization'));
    if (principal?.kind !== 'bearer') {
      counters.rejected++;
      return denied(c);
    }
    const { owner } = principal;
    const limited = chargeRateLimit(c, state, owner.accountName);
    if (limited) {
      counters.rateLimited++;
      return limited;
    }
    state.tokens.kill(owner.userKey, { appId: owner.appId });
    counters.ok++;
    return revokedAnswer(c, state.revokeAnswer);
  });
}
