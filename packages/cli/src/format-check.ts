import type { CheckReport } from './check.ts';
import { rows, when } from './format.ts';
import type { ReportedError } from './safe-error.ts';

function modeText(report: CheckReport): string {
  if (report.mode === 'apiKey') return 'API key';
  if (report.mode === 'token') return 'access tokens (app and service user)';
  return '—';
}

function policyText(policy: NonNullable<CheckReport['loginPolicy']>): string {
  return [
    policy.allowLogin ? 'allows the sign-in' : 'blocks the sign-in',
    policy.policyAction ? `action "${policy.policyAction}"` : 'no action asked',
    policy.passwordExpiryReminder
      ? 'password expires soon: change it before the user is locked out'
      : 'no password expiry reminder',
  ].join('; ');
}

function rateText(rate: CheckReport['rateLimit']): string {
  if (!rate) return 'no rate-limit headers in the answer';
  return Object.entries(rate.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
}

/** One line for a failure: `CODE (HTTP 401, ZENOTI_PASSWORD): message`. */
export function errorLine(error: ReportedError): string {
  const details = [
    error.status === null ? '' : `HTTP ${error.status}`,
    error.field ?? '',
    error.retryAfterMs === null ? '' : `retry after ${Math.ceil(error.retryAfterMs / 1_000)} s`,
  ].filter(Boolean);
  return `${error.code}${details.length ? ` (${details.join(', ')})` : ''}: ${error.message}`;
}

/** The report as text: what was checked, and what Zenoti said (the error goes apart: `errorLine`). */
export function formatCheck(report: CheckReport, now = Date.now()): string {
  const lines = [`zenoti-auth check: ${report.ok ? 'ok' : 'FAILED'}`];
  const entries: Array<[string, string]> = [['mode', modeText(report)]];
  if (report.baseUrl) entries.push(['base URL', report.baseUrl]);
  if (report.accountName) entries.push(['account', report.accountName]);
  if (report.appId) entries.push(['app id', report.appId]);
  if (report.username) entries.push(['service user', report.username]);
  if (report.call) {
    const { method, path, status } = report.call;
    entries.push([
      'call',
      `${method} ${path} → ${status} (${report.calls} request${report.calls === 1 ? '' : 's'} to Zenoti)`,
    ]);
  } else entries.push(['call', 'none: nothing was sent to Zenoti']);
  if (report.token) {
    entries.push(['token expires', when(report.token.expiresAt, now)]);
    if (report.token.refreshTokenExpiresAt)
      entries.push(['refresh token', `expires ${when(report.token.refreshTokenExpiresAt, now)}`]);
    if (report.token.userType) entries.push(['user type', report.token.userType]);
  }
  if (report.mode === 'token' && report.token)
    entries.push([
      'login policy',
      report.loginPolicy ? policyText(report.loginPolicy) : 'none in the answer',
    ]);
  if (report.call) entries.push(['rate limit', rateText(report.rateLimit)]);
  return [...lines, ...rows(entries)].join('\n');
}
