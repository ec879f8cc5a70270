/** A loopback HTTP server for the installer tests: fixed routes, each request counted. */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (res: ServerResponse, nth: number) => void;

export interface Served {
  url(path: string): string;
  hits(path: string): number;
  close(): Promise<void>;
}

/** The whole body with its Content-Length. */
export const body =
  (bytes: Buffer): Route =>
  (res) => {
    res.writeHead(200, { "content-length": bytes.length, "content-type": "application/octet-stream" });
    res.end(bytes);
  };

/** Announces the whole body, sends `sent` bytes of it, then drops the connection. */
export const truncated =
  (bytes: Buffer, sent: number): Route =>
  (res) => {
    res.writeHead(200, { "content-length": bytes.length, "content-type": "application/octet-stream" });
    res.write(bytes.subarray(0, sent), () => res.socket?.destroy());
  };

export const status =
  (code: number): Route =>
  (res) => {
    res.writeHead(code, { "content-type": "text/plain" });
    res.end(`status ${code}\n`);
  };

/** The first `n` requests get `first`, later ones `then`. */
export const firstThen =
  (n: number, first: Route, then: Route): Route =>
  (res, nth) =>
    (nth <= n ? first : then)(res, nth);

export async function serve(routes: Record<string, Route>): Promise<Served> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const nth = (counts.get(path) ?? 0) + 1;
    counts.set(path, nth);
    (routes[path] ?? status(404))(res, nth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
