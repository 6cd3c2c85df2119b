import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Leaves every request body of `instance`'s context unread, for the neutral handlers to stream (the
 * proxy to Zenoti) or read (the sign-in's form or JSON): the context's parsers are replaced by one
 * catch-all that hands on the stream as `request.body`. Encapsulated: the app's own parsers elsewhere
 * are untouched.
 */
export function leaveBodiesRaw(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}

/**
 * The Fetch API `Request` for a Fastify request, for the framework-neutral handlers of
 * `@zenoti-auth/core`: the URL as received (`request.url`, on `request.protocol` and `request.host`,
 * which honour Fastify's `trustProxy`), every header and the body as the stream `leaveBodiesRaw()`
 * left. No `signal`: the handlers get the client's in their context (`context.signal`), and a
 * `Request` made with one follows it through listeners of its own, which costs on every request.
 */
export function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2's pseudo-headers (:path, :authority …) are no headers of the Fetch API.
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[i + 1] as string);
  }
  const url = `${request.protocol}://${request.host}${request.url}`;
  const { method, body } = request;
  if (method === 'GET' || method === 'HEAD' || !(body instanceof Readable))
    return new Request(url, { method, headers });
  return new Request(url, {
    method,
    headers,
    body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
}
