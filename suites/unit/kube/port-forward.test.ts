import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reforward } from "../../../harness/cluster/up/reforward.ts";
import { isPermanent } from "../../../harness/core/errors.ts";
import { waitFor } from "../../../harness/core/wait.ts";
import { PortForwardExitedError, startPortForward, type PortForward } from "../../../harness/kube/port-forward.ts";

let dir: string;
let path: string | undefined;

/**
 * A stand-in `kubectl` on PATH: a real child process that behaves, per target,
 * as kubectl port-forward does (kubernetes/kubectl#1169): reports the port and
 * keeps running, reports it and then exits after a refused connection, or
 * exits before forwarding. `svc/flaky` drops on its first start only.
 */
const FAKE = (d: string) => `#!/bin/sh
for a; do case "$a" in svc/*) target="$a";; esac; done
drop() {
  echo "Forwarding from 127.0.0.1:$1 -> 80"
  echo "Forwarding from [::1]:$1 -> 80"
  echo "E1201 10:00:00.000000 1 portforward.go:424] an error occurred forwarding $1 -> 80: connection refused" >&2
  echo "error: lost connection to pod" >&2
  exit 1
}
case "$target" in
  svc/steady) echo "Forwarding from 127.0.0.1:41002 -> 80"; exec sleep 30;;
  svc/drops) drop 41001;;
  svc/pending) echo "error: unable to forward port because pod is not running. Current status=Pending" >&2; exit 1;;
  svc/silent) exec sleep 30;;
  svc/flaky)
    if [ -e "${d}/flaky-started" ]; then echo "Forwarding from 127.0.0.1:41004 -> 80"; exec sleep 30; fi
    : > "${d}/flaky-started"; drop 41003;;
esac
echo "unexpected target $target" >&2; exit 2
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-port-forward-"));
  await writeFile(join(dir, "kubectl"), FAKE(dir));
  await chmod(join(dir, "kubectl"), 0o755);
  path = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${path ?? ""}`;
});
afterAll(async () => {
  process.env.PATH = path;
  await rm(dir, { recursive: true, force: true });
});

const forward = (svc: string, timeoutMs = 5_000) =>
  startPortForward({ context: "kind-test", namespace: "ns", target: `svc/${svc}`, remotePort: 80, timeoutMs });
const aborted = (pf: PortForward) =>
  new Promise<void>((resolve) => (pf.signal.aborted ? resolve() : pf.signal.addEventListener("abort", () => resolve())));

describe("kubectl port-forward handling", () => {
  it("a running forward is alive and serves its URL until stopped", async () => {
    const pf = await forward("steady");
    expect(pf.localPort).toBe(41002);
    expect(pf.alive).toBe(true);
    expect(pf.url).toBe("http://127.0.0.1:41002");
    expect(() => pf.assertAlive()).not.toThrow();
    await pf.stop();
    expect(pf.alive).toBe(false);
    expect(pf.exited).toBeUndefined();
    expect(pf.signal.aborted).toBe(false);
  });

  it("a forward whose kubectl exits after forwarding is detected, and its URL fails naming the exit and stderr", async () => {
    const pf = await forward("drops");
    await aborted(pf);
    expect(pf.alive).toBe(false);
    expect(pf.exited).toMatchObject({ exit: "1" });
    expect(pf.exited?.stderr).toContain("lost connection to pod");
    let err: unknown;
    try {
      void pf.url;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PortForwardExitedError);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toMatch(/^kubectl --context kind-test -n ns port-forward .* svc\/drops :80 stopped forwarding 127\.0\.0\.1:41001: it exited 1 after/);
    expect((err as Error).message).toContain("connection refused");
    expect(() => pf.assertAlive()).toThrow(PortForwardExitedError);
    expect(pf.signal.reason).toBeInstanceOf(PortForwardExitedError);
    const explained = pf.explain(new TypeError("fetch failed")) as Error;
    expect(explained).toBeInstanceOf(PortForwardExitedError);
    expect((explained.cause as Error).message).toBe("fetch failed");
    await pf.stop();
  });

  it("a kubectl that exits before forwarding rejects with its stderr", async () => {
    await expect(forward("pending")).rejects.toThrow(/svc\/pending :80 exited 1 before forwarding; stderr:\nerror: unable to forward port because pod is not running/);
  });

  it("a kubectl that never reports a port is killed after the timeout", async () => {
    await expect(forward("silent", 300)).rejects.toThrow(/svc\/silent :80 printed no port within/);
  });
});

describe("bring-up forwards", () => {
  it("reopen after kubectl exits, and keep how the earlier one ended", async () => {
    const opened: PortForward[] = [];
    await using fw = new Reforward(async () => {
      const pf = await forward("flaky");
      opened.push(pf);
      return pf;
    });
    expect(await fw.url()).toBe("http://127.0.0.1:41003");
    await aborted(opened[0]!);
    expect(await fw.url()).toBe("http://127.0.0.1:41004");
    expect(opened).toHaveLength(2);
    expect(opened[1]!.alive).toBe(true);
    expect(fw.exits).toHaveLength(1);
    expect(fw.exits[0]?.stderr).toContain("lost connection to pod");
  });

  it("keep a wait going after kubectl exits: the next attempt reopens the forward", async () => {
    await rm(join(dir, "flaky-started"), { force: true });
    const opened: PortForward[] = [];
    await using fw = new Reforward(async () => {
      const pf = await forward("flaky");
      opened.push(pf);
      return pf;
    });
    let attempts = 0;
    const probe = async () => {
      attempts++;
      const url = await fw.url();
      if (attempts > 1) return { done: true as const, value: url };
      await aborted(opened[0]!);
      throw new TypeError("fetch failed");
    };
    const url = await fw.explainEnd(waitFor("the service through a forward", probe, { timeoutMs: 5_000, intervalMs: 10 }));
    expect(url).toBe("http://127.0.0.1:41004");
    expect(attempts).toBe(2);
  });

  it("explain only the error a wait ends with, keeping the wait's message and adding how kubectl exited", async () => {
    const opened: PortForward[] = [];
    await using fw = new Reforward(async () => {
      const pf = await forward("drops");
      opened.push(pf);
      return pf;
    });
    let attempts = 0;
    const probe = async (): Promise<never> => {
      attempts++;
      await fw.url();
      await aborted(opened.at(-1)!);
      throw new TypeError("fetch failed");
    };
    const err = await fw.explainEnd(waitFor("the service through a forward", probe, { timeoutMs: 300, intervalMs: 50 })).catch((e: unknown) => e);
    expect(attempts).toBeGreaterThan(1);
    expect((err as Error).message).toMatch(/^timed out waiting for the service through a forward after .*; kubectl .* svc\/drops :80 stopped forwarding 127\.0\.0\.1:41001: it exited 1/);
    expect((err as Error).cause).toBeInstanceOf(PortForwardExitedError);
  });
});
