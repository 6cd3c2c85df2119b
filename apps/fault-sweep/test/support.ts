import { createZenotiAxios, ERR_ZENOTI_AUTH } from '@zenoti-auth/axios';
import {
  isZenotiAuthError,
  MemoryTokenStore,
  ZenotiAuth,
  type ZenotiAuthErrorCode,
  type ZenotiAuthEvent,
  type ZenotiAuthOptions,
} from '@zenoti-auth/core';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import {
  DEMO_CREDENTIALS,
  type MockControl,
  type RunningMockZenoti,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
import axios, { isAxiosError } from 'axios';
import { Hono } from 'hono';

export const D = DEMO_CREDENTIALS;
export type Adapter = 'core' | 'axios' | 'hono';
export const ADAPTERS: readonly Adapter[] = ['core', 'axios', 'hono'];

/** Every code a ZenotiAuthError can carry: a failure with one of these is "typed". */
export const CODES: ReadonlySet<string> = new Set<ZenotiAuthErrorCode>([
  'INVALID_OPTIONS',
  'CREDENTIALS_REJECTED',
  'LOGIN_REQUIRED',
  'TOKEN_ENDPOINT',
  'INVALID_RESPONSE',
  'RATE_LIMITED',
  'TIMEOUT',
  'NETWORK',
  'UNAUTHORIZED',
  'ABORTED',
  'STORE',
]);

// ---- time ---------------------------------------------------------------------------------------

/** Simulated time shared by the mock Zenoti and the engine: it moves only when the test moves it. */
export class SimClock {
  #t = Date.parse('2026-11-28T08:00:00Z');
  readonly start = this.#t;
  readonly now = (): number => this.#t;
  advance(ms: number): void {
    this.#t += ms;
  }
  get elapsed(): number {
    return this.#t - this.start;
  }
}

/** Deterministic PRNG (mulberry32): the same seed gives the same fault schedule on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `true` for exactly `hits` of every `block` successive calls, at positions drawn from `rng`. */
export function schedule(rng: () => number, hits: number, block: number): () => boolean {
  let pending: boolean[] = [];
  return () => {
    if (pending.length === 0) {
      pending = Array.from({ length: block }, (_, i) => i < hits);
      for (let i = block - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [pending[i], pending[j]] = [pending[j] as boolean, pending[i] as boolean];
      }
    }
    return pending.shift() as boolean;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the mock -----------------------------------------------------------------------------------

const running = new Set<RunningMockZenoti>();

/** A mock Zenoti on 127.0.0.1 (free port), rate limit off unless asked for; closed by `closeAll()`. */
export async function mock(options: StartMockZenotiOptions = {}): Promise<RunningMockZenoti> {
  const server = await startMockZenoti({ rateLimit: false, hostname: '127.0.0.1', ...options });
  running.add(server);
  return server;
}

export async function closeAll(): Promise<void> {
  const servers = [...running];
  running.clear();
  await Promise.all(servers.map((s) => s.close()));
}

export function tokenCalls(control: MockControl): number {
  return control.counters().token.total;
}

export function resourceCalls(control: MockControl): number {
  return control.counters().resources.total;
}

// ---- an instrumented fetch for the engine -------------------------------------------------------

export type Endpoint = 'token' | 'revoke' | 'resource';

/** One HTTP exchange the engine made, in real time (performance.now()). */
export interface Exchange {
  endpoint: Endpoint;
  /** `x-sweep-call` of the request (set by the drivers on resource calls). */
  call: string | undefined;
  sentAt: number;
  answeredAt: number;
  /** 0 when no answer came (timeout, dropped connection). */
  status: number;
  retryAfter: string | null;
}

export interface Wire {
  fetch: typeof fetch;
  log: Exchange[];
  /** Called before each token call is sent (e.g. to inject a fault for this very call). */
  beforeToken?: () => void;
}

/** Wraps `globalThis.fetch`, recording every exchange; the engine's `fetch` option. */
export function wire(): Wire {
  const w: Wire = {
    log: [],
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : undefined;
      const url = new URL(request ? request.url : String(input));
      const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
      const endpoint: Endpoint =
        url.pathname === '/v1/tokens' && method === 'POST'
          ? 'token'
          : url.pathname === '/v1/tokens/sessions/revoke'
            ? 'revoke'
            : 'resource';
      const call = request?.headers.get('x-sweep-call') ?? undefined;
      if (endpoint === 'token') w.beforeToken?.();
      const entry: Exchange = {
        endpoint,
        call,
        sentAt: performance.now(),
        answeredAt: 0,
        status: 0,
        retryAfter: null,
      };
      w.log.push(entry);
      try {
        const response = await globalThis.fetch(input, init);
        entry.status = response.status;
        entry.retryAfter = response.headers.get('retry-after');
        return response;
      } finally {
        entry.answeredAt = performance.now();
      }
    },
  };
  return w;
}

/** Waits between a 429 answer and the next request of the same call (resource) or the next token call. */
export function waitsAfter429(
  log: readonly Exchange[],
  endpoint: Endpoint,
): Array<{ waited: number; asked: number }> {
  const byKey = new Map<string, Exchange[]>();
  for (const e of log) {
    if (e.endpoint !== endpoint) continue;
    const key = endpoint === 'resource' ? (e.call ?? '?') : 'token';
    let list = byKey.get(key);
    if (!list) {
      list = [];
      byKey.set(key, list);
    }
    list.push(e);
  }
  const waits: Array<{ waited: number; asked: number }> = [];
  for (const list of byKey.values()) {
    for (let i = 0; i + 1 < list.length; i++) {
      const a = list[i] as Exchange;
      const b = list[i + 1] as Exchange;
      if (a.status !== 429 || a.retryAfter === null) continue;
      waits.push({ waited: b.sentAt - a.answeredAt, asked: Number(a.retryAfter) * 1000 });
    }
  }
  return waits;
}

// ---- engines and drivers ------------------------------------------------------------------------

export interface EngineSetup {
  auth: ZenotiAuth;
  wire: Wire;
  events: ZenotiAuthEvent[];
}

/** The demo employee app + service user against `url`, a private store and an instrumented fetch. */
export function engine(url: string, extra: Partial<ZenotiAuthOptions> = {}): EngineSetup {
  const w = wire();
  const events: ZenotiAuthEvent[] = [];
  const auth = new ZenotiAuth({
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    store: new MemoryTokenStore(),
    fetch: w.fetch,
    onEvent: (event) => events.push(event),
    ...extra,
  } as ZenotiAuthOptions);
  return { auth, wire: w, events };
}

/** A response handed to the caller: a success, or an upstream HTTP error passed on. */
interface Passed {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
}

/** How one call ended, as its caller sees it (without its duration). */
export type Result =
  | (Passed & { kind: 'ok' })
  | (Passed & { kind: 'http' })
  | { kind: 'typed'; code: string; status?: number | undefined; retryAfterMs?: number | undefined }
  | { kind: 'untyped'; detail: string };

/** A result and how long the caller waited for it (real ms). */
export type Outcome = Result & { ms: number };

export interface Driver {
  adapter: Adapter;
  auth: ZenotiAuth;
  /** One authenticated GET of a Zenoti path through the adapter. Never throws. */
  call(path: string, id?: string): Promise<Outcome>;
  /** Revokes the service user's token through the adapter's engine (a Hono route for Hono). */
  revoke(): Promise<{ revoked: boolean }>;
}

/** Safety net: a call that has not settled after this long is reported as stuck (untyped). */
const STUCK_MS = 15_000;

async function timed(run: () => Promise<Result>): Promise<Outcome> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<Result>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'untyped', detail: `stuck > ${STUCK_MS} ms` }), STUCK_MS);
  });
  try {
    const outcome = await Promise.race([run(), stuck]);
    return { ...outcome, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const header = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function fromError(error: unknown): Result {
  if (isZenotiAuthError(error)) {
    return { kind: 'typed', code: error.code, status: error.status, retryAfterMs: error.retryAfterMs };
  }
  return {
    kind: 'untyped',
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}

export function driver(adapter: Adapter, auth: ZenotiAuth): Driver {
  if (adapter === 'core') {
    return {
      adapter,
      auth,
      call: (path, id = '-') =>
        timed(async () => {
          try {
            const res = await auth.fetch(path, { headers: { 'x-sweep-call': id } });
            const text = await res.text();
            return {
              kind: res.ok ? 'ok' : 'http',
              status: res.status,
              contentType: res.headers.get('content-type'),
              retryAfter: res.headers.get('retry-after'),
              text,
            };
          } catch (error) {
            return fromError(error);
          }
        }),
      revoke: () => auth.revoke(),
    };
  }
  if (adapter === 'axios') {
    // Bodies as text, untouched: the sweep checks that resource answers reach the caller as sent.
    const client = createZenotiAxios(auth, {
      timeout: 10_000,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
    return {
      adapter,
      auth,
      call: (path, id = '-') =>
        timed(async () => {
          try {
            const res = await client.get<string>(path, { headers: { 'x-sweep-call': id } });
            return {
              kind: 'ok',
              status: res.status,
              contentType: header(res.headers['content-type']),
              retryAfter: header(res.headers['retry-after']),
              text: res.data,
            };
          } catch (error) {
            if (!isAxiosError(error) && !axios.isCancel(error)) return fromError(error);
            const cause = (error as { cause?: unknown }).cause;
            if ((error.code === ERR_ZENOTI_AUTH || axios.isCancel(error)) && isZenotiAuthError(cause)) {
              return fromError(cause);
            }
            if (isAxiosError(error) && error.response) {
              return {
                kind: 'http',
                status: error.response.status,
                contentType: header(error.response.headers['content-type']),
                retryAfter: header(error.response.headers['retry-after']),
                text: String(error.response.data ?? ''),
              };
            }
            return { kind: 'untyped', detail: `AxiosError ${String(error.code)}: ${error.message}` };
          }
        }),
      revoke: () => auth.revoke(),
    };
  }
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/*', zenotiAuth({ auth }));
  app.post('/api/revoke', async (c) => c.json(await c.var.zenoti.auth.revoke()));
  app.get('/api/*', async (c) => {
    const res = await c.var.zenoti.fetch(c.req.path.slice('/api'.length), {
      headers: { 'x-sweep-call': c.req.header('x-sweep-call') ?? '-' },
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
  return {
    adapter,
    auth,
    call: (path, id = '-') =>
      timed(async () => {
        let res: Response;
        try {
          res = await app.request(`/api${path}`, { headers: { 'x-sweep-call': id } });
        } catch (error) {
          return fromError(error);
        }
        const text = await res.text();
        const contentType = res.headers.get('content-type');
        const retryAfter = res.headers.get('retry-after');
        if (res.ok) return { kind: 'ok', status: res.status, contentType, retryAfter, text };
        // The adapter's typed answer: { error: { code } } with a core error code (see its README).
        let code: unknown;
        try {
          code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
        } catch {
          code = undefined;
        }
        if (typeof code === 'string' && CODES.has(code) && contentType?.includes('application/json')) {
          return {
            kind: 'typed',
            code,
            status: res.status,
            retryAfterMs: retryAfter === null ? undefined : Number(retryAfter) * 1000,
          };
        }
        return { kind: 'http', status: res.status, contentType, retryAfter, text };
      }),
    revoke: async () => {
      const res = await app.request('/api/revoke', { method: 'POST' });
      return (await res.json()) as { revoked: boolean };
    },
  };
}

// ---- figures ------------------------------------------------------------------------------------

export interface Tally {
  calls: number;
  ok: number;
  typed: number;
  http: number;
  untyped: number;
  codes: Map<string, number>;
  untypedDetails: string[];
  maxWaitMs: number;
}

export function tally(outcomes: readonly Outcome[]): Tally {
  const t: Tally = {
    calls: 0,
    ok: 0,
    typed: 0,
    http: 0,
    untyped: 0,
    codes: new Map(),
    untypedDetails: [],
    maxWaitMs: 0,
  };
  for (const o of outcomes) {
    t.calls++;
    t.maxWaitMs = Math.max(t.maxWaitMs, o.ms);
    if (o.kind === 'ok') t.ok++;
    else if (o.kind === 'typed') {
      t.typed++;
      t.codes.set(o.code, (t.codes.get(o.code) ?? 0) + 1);
    } else if (o.kind === 'http') {
      t.http++;
      t.codes.set(`HTTP ${o.status}`, (t.codes.get(`HTTP ${o.status}`) ?? 0) + 1);
    } else {
      t.untyped++;
      if (t.untypedDetails.length < 5) t.untypedDetails.push(o.detail);
    }
  }
  return t;
}

export interface Row {
  scenario: string;
  adapter: Adapter;
  calls: number;
  ok: number;
  typed: number;
  /** Upstream HTTP errors handed to the caller as the adapter documents (e.g. axios' own 401/429). */
  http: number;
  untyped: number;
  tokenCalls: number;
  resourceCalls: number;
  maxWaitMs: number;
  notes: string;
}

export const rows: Row[] = [];

export function row(
  scenario: string,
  adapter: Adapter,
  t: Tally,
  tokenCallCount: number,
  resourceCallCount: number,
  notes = '',
): Row {
  const codes = [...t.codes].map(([code, n]) => `${code}×${n}`).join(' ');
  const r: Row = {
    scenario,
    adapter,
    calls: t.calls,
    ok: t.ok,
    typed: t.typed,
    http: t.http,
    untyped: t.untyped,
    tokenCalls: tokenCallCount,
    resourceCalls: resourceCallCount,
    maxWaitMs: Math.round(t.maxWaitMs),
    notes: [codes, notes, t.untypedDetails.join(' | ')].filter((s) => s !== '').join('; '),
  };
  rows.push(r);
  return r;
}

const HEADERS: Array<[keyof Row, string]> = [
  ['scenario', 'scenario'],
  ['adapter', 'adapter'],
  ['calls', 'calls'],
  ['ok', 'successes'],
  ['typed', 'typed failures'],
  ['http', 'http passed on'],
  ['untyped', 'untyped'],
  ['tokenCalls', 'token calls'],
  ['resourceCalls', 'resource calls'],
  ['maxWaitMs', 'max wait ms'],
  ['notes', 'outcomes / notes'],
];

/** A plain-text table (fixed width) of the rows. */
export function table(list: readonly Row[]): string {
  const cells = list.map((r) => HEADERS.map(([key]) => String(r[key])));
  const widths = HEADERS.map(([, title], i) =>
    Math.max(title.length, ...cells.map((c) => (c[i] ?? '').length)),
  );
  const numeric = new Set<keyof Row>([
    'calls',
    'ok',
    'typed',
    'http',
    'untyped',
    'tokenCalls',
    'resourceCalls',
    'maxWaitMs',
  ]);
  const line = (values: string[]): string =>
    `| ${values
      .map((v, i) => {
        const key = (HEADERS[i] as [keyof Row, string])[0];
        const width = widths[i] as number;
        return numeric.has(key) ? v.padStart(width) : v.padEnd(width);
      })
      .join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(HEADERS.map(([, title]) => title)), rule, ...cells.map(line)].join('\n');
}

export function printRows(list: readonly Row[]): void {
  console.log(`\n${table(list)}\n`);
}
