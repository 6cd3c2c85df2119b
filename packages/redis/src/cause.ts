/** What the common causes mean, for the person reading the warning. */
const MEANING: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at the Redis host and port',
  ECONNRESET: 'the connection was cut',
  ETIMEDOUT: 'no connection within the connect timeout',
  ENOTFOUND: 'the Redis host name does not resolve',
  NOAUTH: 'this Redis needs a password',
  WRONGPASS: 'wrong Redis username or password',
  READONLY: 'a replica answered: the client writes to a demoted master',
  CLUSTERDOWN: 'the cluster has slots without a master',
  MOVED: 'the slot moved to another node',
  TRYAGAIN: 'the cluster is moving the slot',
  MASTERDOWN: 'the replica lost its master',
  LOADING: 'Redis is loading its data after a restart',
};

/**
 * Fixed texts the clients write when a topology fails (no secret in them: they name no host, key or
 * argument), shown as they are: ioredis' Cluster and Sentinel, node-redis' clients.
 */
const CLIENT_PHRASES = [
  'Connection is closed',
  'None of startup nodes is available',
  'All sentinels are unreachable',
  'Failed to refresh slots cache',
  'Too many Cluster redirections',
  'Socket closed unexpectedly',
  'The client is closed',
  'All the root nodes are unavailable',
  'Connection timeout',
  'Command timed out',
];

const isName = (n: unknown): n is string => typeof n === 'string' && /^\w{1,60}$/.test(n) && n !== 'Error';

/**
 * A short description of a client error that is safe to show: a system error code
 * (`ECONNREFUSED`), the first word of a Redis error reply (`NOAUTH`, `READONLY`, `CLUSTERDOWN`), a
 * fixed text of the client's own (`All sentinels are unreachable`), else the error's class name
 * (`MaxRetriesPerRequestError`), with what the common ones mean; for a cluster's
 * `ClusterAllFailedError`, the last node's cause too. Never the rest of a message: clients echo
 * command arguments (a token set is one) and connection details.
 */
export function causeOf(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; name?: unknown; errors?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  // Node's connect to several addresses fails with an AggregateError: its first error has the code.
  const inner = Array.isArray(e.errors) ? (e.errors[0] as { code?: unknown } | undefined) : undefined;
  const code = typeof e.code === 'string' ? e.code : inner?.code;
  const word =
    (typeof code === 'string' && /^E[A-Z]{2,30}$/.test(code) && code) ||
    /^[A-Z][A-Z_]{2,30}(?= |$)/.exec(message)?.[0] ||
    CLIENT_PHRASES.find((phrase) => message.startsWith(phrase));
  const name = [e.name, (error as object | undefined)?.constructor?.name].find(isName);
  const cause = word || name || 'an unknown error';
  const described = MEANING[cause] ? `${cause} (${MEANING[cause]})` : cause;
  // The class of a client's own error says where it came from: "ReplyError: READONLY (…)".
  const classed =
    word && name && name !== word && !/^E[A-Z]/.test(word) ? `${name}: ${described}` : described;
  // A cluster that failed on every node (ioredis' ClusterAllFailedError) keeps the last node's error.
  const lastNode = (error as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  return lastNode ? `${classed} (last node: ${causeOf(lastNode)})` : classed;
}
