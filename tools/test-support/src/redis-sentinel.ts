// Redis Sentinel of a test's own: one master, one replica and three sentinels on free loopback
// ports, for the fault tests (kill the master, SENTINEL FAILOVER).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, HOST, killAll, RedisProcess, redisCli, waitFor } from './redis-processes.ts';

export const SENTINEL_NAME = 'zenoti';

export class RedisSentinel {
  readonly #dir: string;
  readonly servers: RedisProcess[];
  readonly sentinels: RedisProcess[];

  private constructor(dir: string, servers: RedisProcess[], sentinels: RedisProcess[]) {
    this.#dir = dir;
    this.servers = servers;
    this.sentinels = sentinels;
  }

  /**
   * Starts the master, its replica and three sentinels (quorum 2, `down-after-milliseconds`
   * `downAfterMs`); resolves once the sentinels know the replica and each other.
   */
  static async start({ downAfterMs = 1_000 }: { downAfterMs?: number } = {}): Promise<RedisSentinel> {
    const dir = mkdtempSync(join(tmpdir(), 'zenoti-redis-sentinel-'));
    const [masterPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, ...number[]];
    const master = new RedisProcess(masterPort, ['--dir', dir]);
    const replica = new RedisProcess(replicaPort, ['--dir', dir, '--replicaof', HOST, String(masterPort)]);
    const sentinels = sentinelPorts.map((port) => {
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_NAME} ${HOST} ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_NAME} ${downAfterMs}`,
          `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
          '',
        ].join('\n'),
      );
      return new RedisProcess(port, [], file);
    });
    const topology = new RedisSentinel(dir, [master, replica], sentinels);
    try {
      await master.start();
      await replica.start();
      await Promise.all(sentinels.map((s) => s.start()));
      await waitFor(() => topology.#ready(), 30_000, 'the sentinels to know the replica and each other');
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  /** Where clients start: every sentinel's address. */
  get sentinelNodes(): Array<{ host: string; port: number }> {
    return this.sentinels.map((s) => ({ host: HOST, port: s.port }));
  }

  async #ready(): Promise<boolean> {
    for (const sentinel of this.sentinels) {
      const replicas = await redisCli(sentinel.port, 'sentinel', 'replicas', SENTINEL_NAME);
      const peers = await redisCli(sentinel.port, 'sentinel', 'sentinels', SENTINEL_NAME);
      if (!replicas.includes('slave') || (peers.match(/^name$/gm) ?? []).length < 2) return false;
    }
    const replica = this.servers[1] as RedisProcess;
    return (await redisCli(replica.port, 'info', 'replication')).includes('master_link_status:up');
  }

  /** The master's port, as the first sentinel that answers says. */
  async masterPort(): Promise<number> {
    for (const sentinel of this.sentinels.filter((s) => s.running)) {
      const answer = await redisCli(
        sentinel.port,
        'sentinel',
        'get-master-addr-by-name',
        SENTINEL_NAME,
      ).catch(() => '');
      const port = Number(answer.split('\n')[1]);
      if (port) return port;
    }
    throw new Error('no sentinel answers');
  }

  /** Kills the master; resolves once the sentinels have promoted the replica, with how long it took. */
  async killMaster(): Promise<{ killed: number; failoverMs: number }> {
    const killed = await this.masterPort();
    const started = Date.now();
    await this.servers.find((s) => s.port === killed)?.kill();
    await waitFor(async () => (await this.masterPort()) !== killed, 30_000, 'the sentinels to fail over');
    return { killed, failoverMs: Date.now() - started };
  }

  /** `SENTINEL FAILOVER` (graceful): resolves once the other server is the master. */
  async failover(): Promise<{ failoverMs: number }> {
    const before = await this.masterPort();
    const started = Date.now();
    await redisCli((this.sentinels[0] as RedisProcess).port, 'sentinel', 'failover', SENTINEL_NAME);
    await waitFor(async () => (await this.masterPort()) !== before, 30_000, 'the manual failover');
    return { failoverMs: Date.now() - started };
  }

  /** Kills every server and sentinel and removes their files. */
  async stop(): Promise<void> {
    await killAll([...this.sentinels, ...this.servers]);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
