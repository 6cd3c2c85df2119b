import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** What Express adds to Node's request that the conversion reads (all optional: plain Node works too). */
export interface NodeRequest extends IncomingMessage {
  /** Express: the URL as received, before a mount path was cut off. */
  originalUrl?: string;
  /** Express: `http` or `https`, from `X-Forwarded-Proto` when `trust proxy` says so. */
  protocol?: string;
  /** A body parser's result. */
  body?: unknown;
}

/** A host name or address, with an optional port. */
const HOST = /^(?:[\w.~-]+|\[[\d:a-f.]+\])(?::\d{1,5})?$/i;

/** A body parser (`express.json()`, `express.urlencoded()` …) has read the stream: its result, as bytes again. */
function parsedBody(req: NodeRequest, headers: Headers): BodyInit | null {
  const body = req.body;
  headers.delete('content-length'); // the length of what the client sent, not of this
  if (typeof body === 'string' || body instanceof Uint8Array) return body as BodyInit;
  if (/\bjson\b/i.test(headers.get('content-type') ?? '')) return JSON.stringify(body);
  if (body && typeof body === 'object') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form.append(key, value);
    return form;
  }
  return null;
}

/**
 * The Fetch API `Request` for a Node (Express) request, for the framework-neutral handlers of
 * `@zenoti-auth/core`: the URL as received (`path`: by default `originalUrl`, with the mount path), every header, the
 * body as a stream (or, when a body parser has read it, its result), and `signal`, which should
 * abort when the client leaves. A target that makes no URL throws `TypeError`.
 */
export function toWebRequest(
  req: NodeRequest,
  signal: AbortSignal,
  path: string = req.originalUrl ?? req.url ?? '/',
): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2's pseudo-headers (:path, :authority …) are no headers of the Fetch API.
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[i + 1] as string);
  }
  const protocol = req.protocol ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  // A Host that is no host name (a `/`, `@` …) would move the path: such a request gets `localhost`.
  const host = req.headers.host;
  const url = `${protocol}://${host && HOST.test(host) ? host : 'localhost'}${path}`;
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers, signal });
  // The stream was read before (by a body parser, which then leaves its result in `req.body`).
  if (req.readableEnded || (req as { _body?: boolean })._body === true) {
    const body = req.body === undefined ? null : parsedBody(req, headers);
    return new Request(url, { method, headers, signal, body });
  }
  return new Request(url, {
    method,
    headers,
    signal,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
}
