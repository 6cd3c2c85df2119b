import type { ServerResponse } from 'node:http';

/** Until `res` may be written again (or has closed). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends a Fetch API `Response` through Node's (Express's) response: status, headers (each
 * `Set-Cookie` apart) and the body as it streams, with backpressure. When the client leaves
 * first, the body's source is cancelled (so an upstream call stops) and nothing more is written.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  const reader = body.getReader();
  const cancel = () => {
    if (!res.writableFinished) reader.cancel().catch(() => undefined);
  };
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => undefined);
        break;
      }
      if (!res.write(value)) await drained(res);
    }
    if (!res.destroyed) res.end();
  } catch {
    // The body's source failed midway: the answer cannot be completed, so the connection is cut.
    res.destroy();
  } finally {
    res.off('close', cancel);
  }
}
