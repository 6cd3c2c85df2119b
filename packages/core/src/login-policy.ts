import { ZenotiAuthError } from './errors.ts';
import { isRecord } from './token-response.ts';

/**
 * Zenoti's `login_policy_evaluation` of a sign-in, as the token response carries it. The meanings
 * of `policyAction` values are not documented by Zenoti; they are passed on as they are.
 */
export interface LoginPolicy {
  /** `allowlogin`: whether the policy lets this sign-in through. */
  allowLogin: boolean;
  /** `policyaction`, e.g. a second factor or a password change the policy asks for. */
  policyAction?: string;
  /** `policyactiondata`: what goes with the action. */
  policyActionData?: string;
  /** `userid`: Zenoti's id of the user. */
  userId?: string;
  /** `passwordexpiryreminder`: the password expires soon; change it before the user is locked out. */
  passwordExpiryReminder: boolean;
}

/** A short, printable text of Zenoti's (a field it fills freely), or `undefined`. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' && value.length <= 200 ? value : undefined;
}

/** The login policy a token response carries, or `undefined` when it carries none. */
export function readLoginPolicy(body: unknown): LoginPolicy | undefined {
  const p = isRecord(body) ? body.login_policy_evaluation : undefined;
  if (!isRecord(p)) return undefined;
  const policy: LoginPolicy = {
    allowLogin: p.allowlogin !== false,
    passwordExpiryReminder: p.passwordexpiryreminder === true,
  };
  const action = text(p.policyaction);
  const data = text(p.policyactiondata);
  const userId = text(p.userid);
  if (action !== undefined) policy.policyAction = action;
  if (data !== undefined) policy.policyActionData = data;
  if (userId !== undefined) policy.userId = userId;
  return policy;
}

/**
 * `LOGIN_BLOCKED` when a 2xx token response says the policy refused the sign-in: `allowlogin: false`,
 * or no credentials and no error (Zenoti's face of its password policies and 2FA); else `undefined`.
 */
export function loginBlocked(
  body: unknown,
  policy: LoginPolicy | undefined,
  accountName: string,
): ZenotiAuthError | undefined {
  // Only with no error of any kind beside it: `error: "…"` (a string) is a failure, not a policy.
  const noCredentials =
    isRecord(body) && body.credentials === null && body.error == null && body.Error == null;
  if (policy?.allowLogin !== false && !noCredentials) return undefined;
  const action = policy?.policyAction === undefined ? '' : ` (policy action: "${policy.policyAction}")`;
  return new ZenotiAuthError(
    'LOGIN_BLOCKED',
    `Zenoti's login policy blocked the sign-in of a user of account "${accountName}"${action}: the user must complete it in Zenoti, or an administrator must change the policy.`,
    { status: 200 },
  );
}
