// Redis servers of a test's own, on free loopback ports: started as child processes (never
// daemonized, so none outlives the test run), stopped by the test, and killed when the process
// exits in any case. Used by the fault tests of @zenoti-auth/redis and by benchmark #11.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';

export const HOST = '127.0.0.1';

/** Every redis-server started here and still running: killed when this process exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `count` distinct free TCP ports on 127.0.0.1 (all held open until every one is known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, resolve);
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Runs `redis-cli -h 127.0.0.1 -p <port> <args…>` and resolves what it printed (trimmed). */
export function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it resolves true; throws after `timeoutMs`, naming `what`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(50);
  }
}

/**
 * One redis-server on `port` (no persistence unless `args` say otherwise). `start()` again after
 * `kill()` restarts it on the same port, empty: a restart without persistence.
 */
export class RedisProcess {
  #child: ChildProcess | undefined;

  /**
   * `args` go after the port and the no-persistence defaults; with `sentinelConfig` (a file whose
   * first lines set `port`), the process runs `redis-server <file> --sentinel` instead.
   */
  constructor(
    readonly port: number,
    readonly args: readonly string[] = [],
    readonly sentinelConfig?: string,
  ) {}

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const args = this.sentinelConfig
      ? [this.sentinelConfig, '--sentinel']
      : ['--port', String(this.port), '--bind', HOST, '--save', '', '--appendonly', 'no', ...this.args];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#child = child;
    running.add(child);
    child.once('exit', () => {
      running.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    await waitFor(
      async () => (await redisCli(this.port, 'ping')) === 'PONG',
      10_000,
      `redis-server on ${this.port}`,
    );
  }

  /** Kills the server at once (no save): its clients see their connections drop. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Stops every server, whatever fails. */
export async function killAll(servers: readonly RedisProcess[]): Promise<void> {
  await Promise.allSettled(servers.map((s) => s.kill()));
}
