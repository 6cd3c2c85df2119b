import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ZenotiRequestContext } from '@zenoti-auth/express';
import express, { type Express, type RequestHandler } from 'express';
import type { Listening } from './load.ts';

// The servers of benchmark #14: the route every variant serves, and the hand-written baselines.

/** The route of the middleware comparison: reads the header the middleware provides, answers its length. */
export function headerApp(middleware: RequestHandler): Express {
  const app = express();
  app.use('/api', middleware);
  app.get('/api/header', async (req, res) => {
    res.send(String((await req.zenoti.authorization()).length));
  });
  return app;
}

/** What one would write by hand instead of `zenotiAuth()`: a constant header on every request. */
export function constantHeader(authorization: string): RequestHandler {
  const zenoti = { authorization: () => Promise.resolve(authorization) } as ZenotiRequestContext;
  return (req, _res, next) => {
    req.zenoti = zenoti;
    next();
  };
}

/** Connection-level headers, never passed on by a proxy (RFC 9110 §7.6.1), and what the proxy sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'authorization',
  'cookie',
  'set-cookie',
]);

/**
 * A careful hand-written Express proxy to `upstream`, mounted at `prefix`: the client's abort ends
 * the upstream call (the response's 'close' before it finished), the credential header is added,
 * hop-by-hop headers (and the client's cookies and credentials) are dropped both ways, redirects
 * are not followed, and the body streams back. No allow-list, no path checks.
 */
export function handWrittenProxy(prefix: string, upstream: string, authorization: string): Express {
  const app = express();
  app.use(prefix, async (req, res, next) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers.set(name, value);
    }
    headers.set('authorization', authorization);
    try {
      const answer = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers,
        signal: controller.signal,
        redirect: 'manual',
      });
      res.status(answer.status);
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) res.setHeader(name, value);
      });
      if (answer.body) await pipeline(Readable.fromWeb(answer.body as never), res);
      else res.end();
    } catch (error) {
      // The client left: nothing to answer, nothing to report.
      if (controller.signal.aborted) res.destroy();
      else if (!res.headersSent) next(error);
      else res.destroy();
    }
  });
  return app;
}

/** Serves an Express app on 127.0.0.1, a free port. */
export function listenExpress(app: Express): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
