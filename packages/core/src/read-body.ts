/** Zenoti's token responses are about 2 kB; anything past this is not a token response. */
export const MAX_TOKEN_RESPONSE_BYTES = 65_536;

/**
 * Reads a response body as text, or returns `undefined` as soon as it is longer than `limitBytes`
 * (by its `Content-Length`, or while it streams): a huge or endless body costs at most the limit,
 * and the rest is never downloaded (the body is cancelled).
 */
export async function readTextWithin(response: Response, limitBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  const body = response.body;
  if (declared > limitBytes || body === null) {
    await body?.cancel().catch(() => undefined);
    return body === null ? '' : undefined;
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    read += value.byteLength;
    if (read > limitBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}
