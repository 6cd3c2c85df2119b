import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { untilAborted } from './faults.ts';
import { DENIED_MESSAGE } from './responses.ts';
import type { MockFault } from './types.ts';

/** Thrown by a `drop` fault in `app.request()` mode, where there is no socket to destroy. */
export class DroppedConnectionError extends Error {
  constructor() {
    super('zenoti-mock: connection dropped by an injected "drop" fault');
    this.name = 'DroppedConnectionError';
  }
}

const STATUS_TEXT: Record<number, string> = {
  500: 'An error has occurred.',
  502: 'Bad Gateway.',
  503: 'The service is unavailable.',
  504: 'Gateway Timeout.',
};

function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

const NO_BODY = new Set([204, 205, 304]);

/**
 * Answers a request with an injected fault. Returns `undefined` when no answer reached the
 * client (hang, drop).
 */
export async function answerFault(
  c: Context,
  fault: MockFault,
  shutdown: AbortSignal,
): Promise<Response | undefined> {
  switch (fault.kind) {
    case 'status': {
      const body =
        fault.body ??
        JSON.stringify(
          fault.status === 401
            ? { Message: DENIED_MESSAGE }
            : { error: { code: fault.status, message: STATUS_TEXT[fault.status] ?? 'Injected fault.' } },
        );
      const headers = new Headers(fault.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=UTF-8');
      return new Response(NO_BODY.has(fault.status) ? null : body, { status: fault.status, headers });
    }
    case 'raw':
      return new Response(NO_BODY.has(fault.status ?? 200) ? null : fault.body, {
        status: fault.status ?? 200,
        headers: { 'content-type': fault.contentType ?? 'application/json' },
      });
    case 'hang': {
      await untilAborted([c.req.raw.signal, shutdown]);
      incomingOf(c)?.socket.destroy();
      return undefined;
    }
    case 'drop': {
      const incoming = incomingOf(c);
      if (!incoming) throw new DroppedConnectionError();
      incoming.socket.destroy();
      return undefined;
    }
  }
}
