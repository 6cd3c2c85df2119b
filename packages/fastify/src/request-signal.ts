import type { ServerResponse } from 'node:http';

// When has the client left? Not the request's 'close' (nor Fastify's `request.signal`, which listens
// to it): Node emits that as soon as the request body has been read, long before the answer. The
// response's 'close' comes when the connection goes away, and also after a response sent in full;
// only the first is the client leaving, and `writableFinished` tells them apart.

/** Aborted when `res` closes before it was sent in full. Made once per request (see `RequestContext`). */
export function clientSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const leave = () => controller.abort(new DOMException('The client closed the connection.', 'AbortError'));
  if (res.closed) {
    if (!res.writableFinished) leave();
  } else {
    res.once('close', () => {
      if (!res.writableFinished) leave();
    });
  }
  return controller.signal;
}
