import { createServer, type Server, type Socket } from "node:net";
import { freePort } from "../../harness/core/net.ts";

/** A server on 127.0.0.1 that accepts TCP connections and never answers on them. */
export async function silentServer(): Promise<{ port: number; server: Server; close(): void }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    server,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
