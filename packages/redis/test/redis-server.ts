import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { onCleanup, REDIS_HOST, sleep } from './support.ts';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, REDIS_HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a hung Redis. */
export async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, REDIS_HOST, resolve));
  onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function answersPing(port: number, password?: string): Promise<boolean> {
  const probe = new Redis({
    host: REDIS_HOST,
    port,
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * A Redis of the test's own on 127.0.0.1 (no persistence), so an outage test can stop and start it
 * without touching the shared Redis on 6379 that other tests and sessions use.
 */
export class PrivateRedis {
  readonly port: number;
  /** The server's password (`requirepass`), if it has one. */
  readonly password: string | undefined;
  #child: ChildProcess | undefined;

  private constructor(port: number, password: string | undefined) {
    this.port = port;
    this.password = password;
  }

  static async start({ password }: { password?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), password);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const args = ['--bind', REDIS_HOST, '--port', String(this.port), '--save', '', '--appendonly', 'no'];
    if (this.password) args.push('--requirepass', this.password);
    this.#child = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await answersPing(this.port, this.password)) return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  /** Kills the server (no save): every client sees its connection drop. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
