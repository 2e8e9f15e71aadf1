import { createServer, type Server } from 'node:http';

/** Forwards token requests to the emulator and counts them (the emulator's stats cover /rest only). */
export interface TokenProxy {
  readonly url: string;
  readonly requests: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startTokenProxy(target: string): Promise<TokenProxy> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
        body: Buffer.concat(chunks),
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/oauth/token/`,
    get requests() {
      return requests;
    },
    reset: () => {
      requests = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
