/** What the common causes mean, for the person reading the warning. */
const MEANING: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at the Redis host and port',
  ECONNRESET: 'the connection was cut',
  ETIMEDOUT: 'no connection within the connect timeout',
  ENOTFOUND: 'the Redis host name does not resolve',
  NOAUTH: 'this Redis needs a password',
  WRONGPASS: 'wrong Redis username or password',
};

/**
 * A short description of a client error that is safe to show: a system error code
 * (`ECONNREFUSED`), the first word of a Redis error reply (`NOAUTH`, `WRONGPASS`, `ERR`), else the
 * error's class name (`MaxRetriesPerRequestError`), with what the common ones mean. Never the rest
 * of the message: clients echo command arguments (a token set is one) and connection details.
 */
export function causeOf(error: unknown): string {
  const { code, message, name } = (error ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const word =
    (typeof code === 'string' && /^E[A-Z]{2,30}$/.test(code) && code) ||
    (typeof message === 'string' && /^[A-Z][A-Z_]{2,30}(?= |$)/.exec(message)?.[0]) ||
    [name, (error as object | undefined)?.constructor?.name].find(
      (n): n is string => typeof n === 'string' && /^\w{1,60}$/.test(n) && n !== 'Error',
    ) ||
    'an unknown error';
  return MEANING[word] ? `${word} (${MEANING[word]})` : word;
}
