import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * `open`: passes bytes both ways. `refuse`: nothing listens (connections are refused, as when the portal or
 * its network is down). `hang`: connections are accepted and requests reach the portal, but no answer comes
 * back (a write may have been applied).
 */
export type ProxyMode = 'open' | 'refuse' | 'hang';

/** A TCP hop between the engine and the emulator that plays portal outages over real sockets. */
export class PortalProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  #targetPort = 0;
  #mode: ProxyMode = 'open';

  static async start(): Promise<PortalProxy> {
    const proxy = new PortalProxy();
    await proxy.#listen();
    return proxy;
  }

  /** The same webhook URL, through the proxy; the emulator behind it becomes the proxy's target. */
  front(webhookUrl: string): string {
    const url = new URL(webhookUrl);
    this.#targetPort = Number(url.port);
    url.port = String(this.#port);
    return url.toString();
  }

  /** Switches the mode; connections open at that moment are cut, as a failing portal would. */
  async set(mode: ProxyMode): Promise<void> {
    this.#mode = mode;
    this.#cutAll();
    if (mode === 'refuse') {
      await this.#stopListening();
    } else if (!this.#server) {
      await this.#listen();
    }
  }

  async close(): Promise<void> {
    this.#cutAll();
    await this.#stopListening();
  }

  async #listen(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async #stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  #accept(client: Socket): void {
    const portal = connect(this.#targetPort, '127.0.0.1');
    const hang = this.#mode === 'hang';
    this.#sockets.add(client).add(portal);
    for (const event of ['error', 'close']) {
      client.on(event, () => this.#cut(client, portal));
      // A hung portal never closes on the client, even when the emulator drops an idle connection.
      portal.on(event, () => (hang ? this.#cut(portal) : this.#cut(client, portal)));
    }
    client.pipe(portal);
    if (hang) {
      portal.resume();
    } else {
      portal.pipe(client);
    }
  }

  #cut(...sockets: Socket[]): void {
    for (const socket of sockets) {
      this.#sockets.delete(socket);
      socket.destroy();
    }
  }

  #cutAll(): void {
    this.#cut(...this.#sockets);
  }
}
