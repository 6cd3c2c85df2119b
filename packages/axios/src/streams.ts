import { bag } from './sent-request.ts';

/**
 * Whether `value` can be read only once: a Node stream, a web `ReadableStream` or any async
 * iterable. As a request body the first attempt consumed it; as response data it is the live
 * response, whose socket goes on to carry other requests.
 */
export function isStream(value: unknown): boolean {
  const body = bag(value);
  return (
    !!body &&
    (typeof body.pipe === 'function' || typeof body.getReader === 'function' || Symbol.asyncIterator in body)
  );
}
