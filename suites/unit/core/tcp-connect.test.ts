import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { boundConnect, tcpConnect } from "../../../harness/core/tcp-connect.ts";
import { freePort } from "../../../harness/core/net.ts";
import { silentServer } from "../../support/silent-server.ts";

/** A request and its socket as node:https gives them, driven by hand. */
function fakeRequest(connecting: boolean) {
  const req = Object.assign(new EventEmitter(), { destroyed: undefined as Error | undefined, destroy(err: Error) { this.destroyed = err; } });
  const socket = Object.assign(new EventEmitter(), { connecting });
  boundConnect(req, "172.18.0.2:2379", 5000);
  req.emit("socket", socket);
  return { req, socket };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a TCP connection bounded by the profile's waits.connect", () => {
  it("a socket still connecting after connectMs destroys the request with ETIMEDOUT naming the address and the bound", () => {
    vi.useFakeTimers();
    const { req } = fakeRequest(true);
    vi.advanceTimersByTime(4999);
    expect(req.destroyed).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(req.destroyed?.message).toBe("no TCP connection to 172.18.0.2:2379 within 5.0s");
    expect((req.destroyed as NodeJS.ErrnoException).code).toBe("ETIMEDOUT");
  });

  it("a connected socket, or a reused one, is never destroyed by the bound", () => {
    vi.useFakeTimers();
    const { req, socket } = fakeRequest(true);
    socket.emit("connect");
    const reused = fakeRequest(false);
    vi.advanceTimersByTime(60_000);
    expect([req.destroyed, reused.req.destroyed]).toEqual([undefined, undefined]);
  });

  it("tcpConnect resolves against a listening port and rejects with the socket's error on a closed one", async () => {
    const silent = await silentServer();
    try {
      await expect(tcpConnect("127.0.0.1", silent.port, 2000)).resolves.toBeUndefined();
    } finally {
      silent.close();
    }
    await expect(tcpConnect("127.0.0.1", await freePort(), 2000)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
