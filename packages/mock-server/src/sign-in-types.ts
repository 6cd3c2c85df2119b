/**
 * What Zenoti's `login_policy_evaluation` says about one user's login. Zenoti documents the fields
 * only through a sample (`allowlogin: true, policyaction: 0, policyactiondata: null, userid: null,
 * passwordexpiryreminder: false`); the meanings of `policyaction` values are not documented.
 */
export interface LoginPolicy {
  /** `false`: the grant answers 200 with `credentials: null` and this evaluation (no tokens). @default true */
  allowLogin?: boolean;
  /** Sent as `policyaction`, as given (Zenoti's sample has the number `0`). @default 0 */
  policyAction?: number | string;
  /** Sent as `policyactiondata`. @default null */
  policyActionData?: string | null;
  /** Sent as `passwordexpiryreminder`. @default false */
  passwordExpiryReminder?: boolean;
  /** Sent as `userid`. @default null */
  userId?: string | null;
}

/**
 * How `DELETE /v1/tokens/sessions/revoke` answers a successful revoke (Zenoti documents no body; its
 * sample asks for `text/plain`): `'json'` 200 `{ "success": true, "error": null }`, `'text'` 200
 * `text/plain` `true`, `'empty'` 200 with an empty body and no content type, `'no-content'` 204.
 */
export type RevokeAnswer = 'json' | 'text' | 'empty' | 'no-content';

/**
 * How a password grant with a wrong app secret or an unknown app id is answered (reports of Zenoti's
 * answers, not documented): `'401'` 401 `Invalid account.`; `'500-4023'` 500 with error code 4023,
 * `Unable to generate token`.
 */
export type BadAppAnswer = '401' | '500-4023';
