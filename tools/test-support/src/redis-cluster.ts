// A Redis Cluster of a test's own: 3 masters and 3 replicas on free loopback ports, for the fault
// tests (kill the master that holds an identity's keys, CLUSTER FAILOVER).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, HOST, killAll, RedisProcess, redisCli, waitFor } from './redis-processes.ts';

interface ClusterNode {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  /** The id of its master, for a replica. */
  masterId: string | undefined;
  /** Hash slot ranges served, for a master. */
  slots: Array<[number, number]>;
}

/** `CLUSTER NODES` as seen by the node on `port`. */
async function clusterNodes(port: number): Promise<ClusterNode[]> {
  const text = await redisCli(port, 'cluster', 'nodes');
  return text.split('\n').flatMap((line) => {
    const [id = '', address = '', flags = '', masterId = '', , , , , ...slots] = line.trim().split(' ');
    if (!id) return [];
    return [
      {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        master: flags.includes('master'),
        failed: /fail|noaddr/.test(flags),
        masterId: masterId === '-' ? undefined : masterId,
        slots: slots
          .filter((s) => /^\d+(-\d+)?$/.test(s))
          .map((s) => {
            const [from = 0, to = from] = s.split('-').map(Number);
            return [from, to] as [number, number];
          }),
      },
    ];
  });
}

export class RedisCluster {
  readonly #dir: string;
  readonly nodes: RedisProcess[];

  private constructor(dir: string, nodes: RedisProcess[]) {
    this.#dir = dir;
    this.nodes = nodes;
  }

  /**
   * Starts 6 nodes (`cluster-node-timeout` `nodeTimeoutMs`, replicas that may always take over) and
   * joins them as 3 masters with a replica each; resolves once every replica is in sync.
   */
  static async start({ nodeTimeoutMs = 1_000 }: { nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'zenoti-redis-cluster-'));
    const ports = await freePorts(6);
    const nodes = ports.map(
      (port) =>
        new RedisProcess(port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          '--cluster-replica-validity-factor',
          '0',
          '--dir',
          dir,
        ]),
    );
    const cluster = new RedisCluster(dir, nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
      await redisCli(
        ports[0] as number,
        '--cluster',
        'create',
        ...ports.map((p) => `${HOST}:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      );
      await waitFor(() => cluster.#healthy(), 20_000, 'the cluster to be ok, with every replica in sync');
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Where clients start: every node's address. */
  get rootNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((n) => ({ host: HOST, port: n.port }));
  }

  /** A node that runs, to ask about the cluster. */
  #live(): number {
    const node = this.nodes.find((n) => n.running);
    if (!node) throw new Error('no cluster node runs');
    return node.port;
  }

  async #healthy(): Promise<boolean> {
    for (const node of this.nodes.filter((n) => n.running)) {
      if (!(await redisCli(node.port, 'cluster', 'info')).includes('cluster_state:ok')) return false;
      const replication = await redisCli(node.port, 'info', 'replication');
      if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
    }
    const masters = (await clusterNodes(this.#live())).filter((n) => n.master && !n.failed);
    return masters.length === 3 && masters.every((m) => m.slots.length > 0);
  }

  /** The port of the master that serves `key`'s hash slot, as the cluster sees it now. */
  async masterOf(key: string): Promise<number> {
    const live = this.#live();
    const slot = Number(await redisCli(live, 'cluster', 'keyslot', key));
    const master = (await clusterNodes(live)).find(
      (n) => n.master && !n.failed && n.slots.some(([from, to]) => slot >= from && slot <= to),
    );
    if (!master) throw new Error(`no master serves slot ${slot}`);
    return master.port;
  }

  /** The port of a replica of the master on `masterPort` (waiting a moment for one in sync, after a failover). */
  async replicaOf(masterPort: number): Promise<number> {
    let port = 0;
    await waitFor(
      async () => {
        const nodes = await clusterNodes(this.#live());
        const master = nodes.find((n) => n.port === masterPort);
        port = nodes.find((n) => !n.master && n.masterId === master?.id && !n.failed)?.port ?? 0;
        return port !== 0 && (await redisCli(port, 'info', 'replication')).includes('master_link_status:up');
      },
      20_000,
      `a replica of ${masterPort} in sync`,
    );
    return port;
  }

  /**
   * Kills the master that serves `key`; resolves once its replica serves the slot, with how long
   * the cluster had no master for it (ms).
   */
  async killMasterOf(key: string): Promise<{ killed: number; promoted: number; failoverMs: number }> {
    const killed = await this.masterOf(key);
    const replica = await this.replicaOf(killed);
    const started = Date.now();
    await this.nodes.find((n) => n.port === killed)?.kill();
    await waitFor(
      async () =>
        (await this.masterOf(key).catch(() => 0)) === replica &&
        (await redisCli(replica, 'cluster', 'info')).includes('cluster_state:ok'),
      30_000,
      'the replica to take over',
    );
    return { killed, promoted: replica, failoverMs: Date.now() - started };
  }

  /** `CLUSTER FAILOVER` on the replica of `key`'s master (a graceful, manual failover). */
  async failoverOf(key: string): Promise<{ promoted: number; failoverMs: number }> {
    const replica = await this.replicaOf(await this.masterOf(key));
    const started = Date.now();
    await redisCli(replica, 'cluster', 'failover');
    await waitFor(async () => (await this.masterOf(key)) === replica, 30_000, 'the manual failover');
    return { promoted: replica, failoverMs: Date.now() - started };
  }

  /** Kills every node and removes their files. */
  async stop(): Promise<void> {
    await killAll(this.nodes);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
