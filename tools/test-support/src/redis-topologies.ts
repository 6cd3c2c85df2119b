// The Redis topologies of the fault tests and benchmark #11, each of a test's own on loopback
// ports: a plain server (restart, FLUSHALL) behind a pausable proxy (stalls), a Cluster of 3
// masters and 3 replicas, and Sentinel with one master, one replica and three sentinels.
export { RedisCluster } from './redis-cluster.ts';
export { freePorts, HOST, RedisProcess, redisCli, sleep, waitFor } from './redis-processes.ts';
export { RedisSentinel, SENTINEL_NAME } from './redis-sentinel.ts';
export { StallProxy } from './stall-proxy.ts';
