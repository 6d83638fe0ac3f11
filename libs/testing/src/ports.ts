import { createServer, Socket } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Sends `line` and resolves with the first chunk answered, or rejects. */
export function tcpExchange(port: number, line: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    const done = (err?: Error, data?: string) => {
      s.destroy();
      if (err) reject(err);
      else resolve(data ?? '');
    };
    s.setTimeout(timeoutMs, () => done(new Error('timeout')));
    s.once('error', (e) => done(e));
    s.once('data', (d) => done(undefined, d.toString()));
    s.connect(port, '127.0.0.1', () => {
      if (line) s.write(line);
    });
  });
}

export const STANDARD_PORTS = { nats: 4222, redis: 6379 } as const;
