/** For promises whose failure is handled elsewhere or does not matter (said where it is used). */
export const ignore = (): void => undefined;

/** A connection as both clients close it: `destroy()` (node-redis) or `disconnect()` (ioredis). */
interface Closable {
  destroy?(): unknown;
  disconnect?(): unknown;
}

/** Closes a connection of ours; already closed or never connected is fine. Resolves nothing. */
export async function closeQuietly(connection: object | undefined): Promise<undefined> {
  const c = connection as Closable | undefined;
  try {
    await (c?.destroy ? c.destroy() : c?.disconnect?.());
  } catch {
    // Already closed or never connected.
  }
  return undefined;
}
