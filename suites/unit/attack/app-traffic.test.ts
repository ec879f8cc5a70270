import { createServer, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppTraffic } from "../../../harness/attack/app-probe.ts";
import { waitFor } from "../../../harness/core/wait.ts";
import { PortForwardExitedError } from "../../../harness/kube/port-forward.ts";

/**
 * The app traffic over a port-forward that stops forwarding. A local HTTP
 * listener stands in for the forwarded port (it answers as the app's JSON
 * view does); the abort is the port-forward handle's signal, with the error
 * it carries. This pins the traffic's contract, not kubectl's behaviour.
 */
let server: Server;
let url: string;
let requests = 0;
let hang = false;
const hung: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    if (hang) return void hung.push(res);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ db_user: "v-kubernetes-secure-app-abc123-1764152575", pid: 1 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hung) res.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const exited = () =>
  new PortForwardExitedError("kubectl --context kind-secretproof -n test-dynamic port-forward svc/secure-test-app :8080", 40123, {
    exit: "1",
    afterMs: 95_000,
    stderr: "error: lost connection to pod",
  });
const until = (what: string, ok: () => boolean) => waitFor(what, () => (ok() ? { done: true, value: true } : { done: false, state: "not yet" }), { timeoutMs: 3_000, intervalMs: 10 });

describe("app traffic through a port-forward that stops forwarding", () => {
  it("records the forward's exit for the request in flight, at once, and makes no further request", async () => {
    requests = 0;
    hang = false;
    const forward = new AbortController();
    const traffic = startAppTraffic(url, 5, 30_000, forward.signal);
    await until("two answered requests", () => traffic.probes().filter((p) => p.status === 200).length >= 2);
    hang = true;
    const answered = traffic.probes().length;
    await until("a request in flight", () => requests > answered);
    forward.abort(exited());
    await until("the request in flight to end", () => traffic.probes().length > answered);
    const probes = await traffic.stop();
    const last = probes.at(-1);
    expect(last?.status).toBe(0);
    expect(last?.error).toMatch(/stopped forwarding 127\.0\.0\.1:40123: it exited 1 after 1m35s .*\nerror: lost connection to pod/s);
    expect(last?.durationMs).toBeLessThan(30_000);
    expect(probes.slice(0, -1).every((p) => p.status === 200)).toBe(true);
    expect(requests).toBe(probes.length);
  });

  it("wakes from its interval when the forward stops, records the exit without a request, and ends", async () => {
    requests = 0;
    hang = false;
    const forward = new AbortController();
    const traffic = startAppTraffic(url, 60_000, 30_000, forward.signal);
    await until("the first answer", () => traffic.probes().length === 1);
    forward.abort(exited());
    await until("the forward's exit to be recorded", () => traffic.probes().length === 2);
    const probes = await traffic.stop();
    expect(probes.map((p) => p.status)).toEqual([200, 0]);
    expect(probes[1]?.error).toMatch(/stopped forwarding 127\.0\.0\.1:40123/);
    expect(requests).toBe(1);
  });
});
