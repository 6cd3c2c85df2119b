// A TCP proxy of a test's own in front of a Redis: `stall(ms)` stops every byte both ways (the
// connections stay open, as in a network stall), then lets them flow again.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { HOST } from './redis-processes.ts';

export class StallProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #stalled = false;
  readonly port: number;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  /** Listens on a free port of 127.0.0.1 and forwards every connection to `targetPort`. */
  static async start(targetPort: number): Promise<StallProxy> {
    const connections: Array<(client: Socket) => void> = [];
    const server = createServer((client) => connections[0]?.(client));
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const proxy = new StallProxy(server, (server.address() as { port: number }).port);
    connections.push((client) => proxy.#forward(client, targetPort));
    return proxy;
  }

  #forward(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, HOST);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.#sockets.delete(socket);
        other.destroy();
      });
      socket.pipe(other);
      if (this.#stalled) socket.pause();
    }
  }

  /** Whether bytes are held now. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** Holds every byte, both ways, on every connection (new ones too) until `resume()`. */
  pause(): void {
    this.#stalled = true;
    for (const socket of this.#sockets) socket.pause();
  }

  resume(): void {
    this.#stalled = false;
    for (const socket of this.#sockets) socket.resume();
  }

  /** Holds every byte for `ms`. */
  async stall(ms: number): Promise<void> {
    this.pause();
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.resume();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
