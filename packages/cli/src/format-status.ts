import { duration, rows, when } from './format.ts';
import type { FleetStatusReport, KeyState } from './status.ts';
import type { BudgetState, GuardState, SetState } from './status-values.ts';

const ttl = (ms: number | null): string => (ms === null ? 'no TTL' : `key TTL ${duration(ms)}`);

function setText(set: SetState | null, now: number): string {
  if (!set) return 'none';
  const version = `version ${set.version ?? '?'}`;
  if (set.unreadable) return `${version}, unreadable (${set.unreadable}); ${ttl(set.ttlMs)}`;
  if (set.encrypted)
    return `${version}, encrypted (key id ${set.keyId ?? '?'}): expiry readable only with the key; ${ttl(set.ttlMs)} (until its refresh token ends)`;
  const parts = [
    version,
    `access token expires ${set.accessTokenExpiresAt && when(set.accessTokenExpiresAt, now)}`,
  ];
  if (set.refreshTokenExpiresAt) parts.push(`refresh token until ${when(set.refreshTokenExpiresAt, now)}`);
  else if (set.hasRefreshToken === false) parts.push('no refresh token');
  if (set.obtainedAt) parts.push(`obtained ${when(set.obtainedAt, now)}`);
  if (set.refreshNotBefore)
    parts.push(`refresh held until ${when(set.refreshNotBefore, now)} (written back)`);
  if (set.passwordExpiryReminder) parts.push('Zenoti reminds that the password expires soon');
  return `${parts.join(', ')}; ${ttl(set.ttlMs)}`;
}

function guardText(guard: GuardState | null, now: number): string {
  if (!guard) return 'none';
  if (guard.unreadable) return `unreadable (${guard.unreadable})`;
  const parts: string[] = [];
  const pause = guard.pause;
  if (pause) {
    const active = pause.until > now;
    parts.push(
      `${active ? 'paused' : 'pause ended'} (${pause.reason}${pause.code ? `, ${pause.code}` : ''}) until ${when(pause.until, now)}: "${pause.message}"`,
    );
  }
  if (guard.passwordStrikes) parts.push(`${guard.passwordStrikes} password(s) rejected in a row`);
  if (guard.refusedRefreshVersion !== null)
    parts.push(`refresh token of version ${guard.refusedRefreshVersion} refused`);
  if (guard.endedVersion !== null) parts.push(`version ${guard.endedVersion} ended on purpose`);
  return `${parts.join('; ') || 'empty'}; ${ttl(guard.ttlMs)}`;
}

function keyLines(state: KeyState, now: number): string[] {
  const lock = state.lock
    ? `held by a process refreshing (${state.lock.ttlMs === null ? 'no TTL' : `lease ends in ${duration(state.lock.ttlMs)}`})`
    : 'free';
  return [
    `  ${state.key}`,
    ...rows(
      [
        ['token set', setText(state.set, now)],
        ['lock', lock],
        ['guard', guardText(state.guard, now)],
      ],
      '    ',
    ),
  ];
}

function budgetLine(budget: BudgetState): string {
  const who = budget.account ? `account ${budget.account}` : 'no account';
  const window =
    budget.windowEndsInMs === null || budget.windowEndsInMs === 0
      ? 'window ended: the whole limit is back'
      : `window ends in ${duration(budget.windowEndsInMs)} (${budget.windowEndsAt === null ? '?' : new Date(budget.windowEndsAt).toISOString()}), ${budget.reported ? 'as Zenoti reported' : 'estimated (Zenoti has not reported it yet)'}`;
  const interval = budget.intervalMs === null ? '' : ` per ${duration(budget.intervalMs)}`;
  return `  ${budget.key}  ${who}: ${budget.used ?? '?'} of ${budget.limit ?? '?'}${interval} used, ${budget.remaining ?? '?'} left; ${window}`;
}

/** The report as text: token keys, end users' sessions and the rate budgets. */
export function formatStatus(report: FleetStatusReport, now = Date.now()): string {
  const where = report.redis
    ? `Redis ${report.redis.host}:${report.redis.port} db ${report.redis.db}${report.redis.tls ? ' (TLS)' : ''}`
    : 'Redis';
  const lines = [`zenoti-auth status: ${where}, prefix "${report.prefix}"`];
  if (!report.ok) return lines.join('\n');
  lines.push(
    `  Redis time ${report.redisTime === null ? '?' : new Date(report.redisTime).toISOString()}; ${report.scannedKeys} key(s) under the prefix`,
  );
  if (report.truncated) lines.push('  (more keys than one look reads: the rest were not read)');
  const users = report.keys.filter((k) => k.kind === 'service-user');
  const others = report.keys.filter((k) => k.kind === 'other');
  lines.push('', `Service users (${users.length})`, ...users.flatMap((k) => keyLines(k, now)));
  if (others.length)
    lines.push('', `Other token keys (${others.length})`, ...others.flatMap((k) => keyLines(k, now)));
  lines.push('', `End users' sessions (${report.endUsers.reduce((n, t) => n + t.sessions, 0)})`);
  for (const t of report.endUsers)
    lines.push(
      `  ${t.app}  ${t.sessions} session(s): ${t.encrypted} encrypted, ${t.liveAccessTokens} with a live access token${t.unreadable ? `, ${t.unreadable} unreadable` : ''}; ${t.locks} lock(s) held; ${t.guards} guard(s), ${t.paused} paused`,
    );
  lines.push('', `Rate budgets (${report.budgets.length})`, ...report.budgets.map(budgetLine));
  return lines.join('\n');
}
