import type { ServerResponse } from 'node:http';

// When has the client left? Not `req`'s 'close': since Node 16 that fires as soon as the request body
// has been read, long before the answer. The response's 'close' fires when the connection goes away
// and also after a response that was sent in full; only the first is the client leaving, and
// `writableFinished` tells them apart. Express 4 and 5 alike hand Node's own objects to middleware.

const signals = new WeakMap<ServerResponse, AbortSignal>();

/** Aborted when the response closes before it was sent in full. One per response, made on first use. */
export function clientSignal(res: ServerResponse): AbortSignal {
  let signal = signals.get(res);
  if (signal) return signal;
  const controller = new AbortController();
  signal = controller.signal;
  signals.set(res, signal);
  const leave = () => controller.abort(new DOMException('The client closed the connection.', 'AbortError'));
  if (res.closed) {
    if (!res.writableFinished) leave();
  } else {
    res.once('close', () => {
      if (!res.writableFinished) leave();
    });
  }
  return signal;
}
