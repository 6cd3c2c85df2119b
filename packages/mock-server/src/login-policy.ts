import type { LoginPolicy } from './sign-in-types.ts';

/** A login policy with every field filled in. */
export type ResolvedLoginPolicy = Required<LoginPolicy>;

/** What Zenoti's sample answers for an ordinary login; also the answer for a user without a policy. */
export const DEFAULT_LOGIN_POLICY: Readonly<ResolvedLoginPolicy> = Object.freeze({
  allowLogin: true,
  policyAction: 0,
  policyActionData: null,
  passwordExpiryReminder: false,
  userId: null,
});

const FIELDS = Object.keys(DEFAULT_LOGIN_POLICY) as (keyof LoginPolicy)[];

/** Throws an error that names the field at `path`; seeds and controls word it their own way. */
export type Fail = (path: string, problem: string) => never;

const failPlain: Fail = (path, problem) => {
  throw new Error(`zenoti-mock: ${path} ${problem}`);
};

function optionalText(value: unknown, path: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail(path, `must be a string or null; got ${JSON.stringify(value)}`);
  return value as string;
}

/**
 * Checks a login policy into a complete copy; `false` or `null` means "no policy". Unknown fields are
 * an error (a typo such as `allowlogin` must not pass silently), as is a field of the wrong type.
 */
export function validateLoginPolicy(
  value: unknown,
  path = 'loginPolicy',
  fail: Fail = failPlain,
): ResolvedLoginPolicy | undefined {
  if (value === false || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(path, `must be an object (${FIELDS.join(', ')}), false or null`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!FIELDS.includes(key as keyof LoginPolicy)) {
      fail(`${path}.${key}`, `is not a login policy field (${FIELDS.join(', ')})`);
    }
  }
  const flag = (name: 'allowLogin' | 'passwordExpiryReminder'): boolean => {
    const flagValue = given[name] ?? DEFAULT_LOGIN_POLICY[name];
    if (typeof flagValue !== 'boolean')
      fail(`${path}.${name}`, `must be a boolean; got ${JSON.stringify(flagValue)}`);
    return flagValue as boolean;
  };
  const action = given.policyAction ?? DEFAULT_LOGIN_POLICY.policyAction;
  if (typeof action !== 'string' && !(typeof action === 'number' && Number.isFinite(action))) {
    fail(`${path}.policyAction`, `must be a number or a string; got ${JSON.stringify(action)}`);
  }
  return {
    allowLogin: flag('allowLogin'),
    policyAction: action as number | string,
    policyActionData: optionalText(given.policyActionData, `${path}.policyActionData`, fail),
    passwordExpiryReminder: flag('passwordExpiryReminder'),
    userId: optionalText(given.userId, `${path}.userId`, fail),
  };
}

/** The `login_policy_evaluation` object of a token answer, in Zenoti's all-lower-case field names. */
export function policyEvaluation(
  policy: ResolvedLoginPolicy = DEFAULT_LOGIN_POLICY,
): Record<string, unknown> {
  return {
    allowlogin: policy.allowLogin,
    policyaction: policy.policyAction,
    policyactiondata: policy.policyActionData,
    userid: policy.userId,
    passwordexpiryreminder: policy.passwordExpiryReminder,
  };
}
