import { connect } from "node:net";
import { formatMs } from "../../clusters/duration.ts";

/** The socket a client request is given: connecting until its TCP handshake completes. */
export interface ConnectingSocket {
  connecting: boolean;
  once(event: "connect" | "close", listener: () => void): unknown;
}

/** A client request (node:http/https ClientRequest) as far as bounding its connection goes. */
export interface BoundableRequest {
  on(event: "socket", listener: (socket: ConnectingSocket) => void): unknown;
  destroy(error: Error): unknown;
}

/** The error a connection that did not complete in time ends with. */
export function connectTimeoutError(where: string, connectMs: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`no TCP connection to ${where} within ${formatMs(connectMs)}`), { code: "ETIMEDOUT" });
}

/**
 * Destroys `req` when its socket has not connected within `connectMs`. A
 * request's own `timeout` option is the socket's inactivity timeout, set
 * before the socket connects (nodejs/node ee7af01b93, PR #8101, doc/api/http.md
 * "timeout": "This will set the timeout before the socket is connected";
 * socket.setTimeout is an idle timeout, doc/api/net.md), so the connection
 * and a reply slow to come share one bound; this bounds the handshake alone.
 * A reused, already connected socket is not bounded.
 */
export function boundConnect(req: BoundableRequest, where: string, connectMs: number): void {
  req.on("socket", (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => req.destroy(connectTimeoutError(where, connectMs)), connectMs);
    const clear = () => clearTimeout(timer);
    socket.once("connect", clear);
    socket.once("close", clear);
  });
}

/** Opens a TCP connection to host:port and closes it; rejects with the socket's error, or ETIMEDOUT after `connectMs`. */
export function tcpConnect(host: string, port: number, connectMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(connectTimeoutError(`${host}:${port}`, connectMs));
    }, connectMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
