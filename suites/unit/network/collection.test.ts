import { describe, expect, it } from "vitest";
import { runNetworkCollection } from "../../../harness/claims/network/collect-background.ts";
import { COLLECTION_RECORD, collectionProblem, collectionProbe, networkWaitMs, notEndedMessage } from "../../../harness/claims/network/collection.ts";
import type { N1Record } from "../../../harness/claims/network/evidence.ts";
import { LAYOUT } from "../../../harness/claims/network/layout.ts";
import { PermanentError } from "../../../harness/core/errors.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { T0, dropLine, execRecord, target } from "./samples.ts";

const record: N1Record = {
  upstream: [],
  policy: {},
  target,
  attempt: execRecord(),
  control: execRecord({ exitCode: 0, stdout: "connected\n", stderr: "" }),
  flowsText: `${dropLine(T0 + 100)}\n`,
  probes: [],
  slackMs: 500,
};

function writer(sealed = false) {
  const writes: string[] = [];
  return {
    writes,
    write: async (rel: string) => {
      if (sealed) throw new Error(`refused to write ${rel}: the writer was sealed`);
      writes.push(rel);
      return rel;
    },
  };
}

const deps = { kube: {} as Kubectl, kubeContext: "kind-secretproof", profile: PROFILES.ci, signal: new AbortController().signal };
let clock = T0;
const now = () => (clock += 1_000);

describe("N1's collection in the background", () => {
  it("writes N1's evidence, then collection.json last, without an error", async () => {
    const w = writer();
    const r = await runNetworkCollection(deps, w, async () => record, now);
    expect(w.writes.slice(0, -1).sort()).toEqual(Object.values(LAYOUT).sort());
    expect(w.writes.at(-1)).toBe(COLLECTION_RECORD);
    expect(r).toEqual({ startedAt: expect.any(String), durationMs: 1_000 });
  });

  it("records a failed collection's error, with its cause, in collection.json, and writes no evidence", async () => {
    const w = writer();
    const failed = async () => {
      throw new Error("aborted while waiting for Hubble to record the attempt's drop", { cause: new Error("N1's collection passed its deadline") });
    };
    const r = await runNetworkCollection(deps, w, failed, now);
    expect(w.writes).toEqual([COLLECTION_RECORD]);
    expect(r.error).toBe("aborted while waiting for Hubble to record the attempt's drop: N1's collection passed its deadline");
    expect(collectionProblem(r)).toMatch(/^N1's collection \(1\.0s from .*\) recorded no evidence: aborted while waiting/);
  });

  it("keeps an upstream check's message whole, so the network suite fails naming the behaviour", async () => {
    const r = await runNetworkCollection(deps, writer(), async () => Promise.reject(new PermanentError("Cilium's policy enforcement mode is default: enable-policy is \"never\"")), now);
    expect(r.error).toBe("Cilium's policy enforcement mode is default: enable-policy is \"never\"");
  });

  it("rejects only when collection.json cannot be written (a sealed writer)", async () => {
    await expect(runNetworkCollection(deps, writer(true), async () => record, now)).rejects.toThrow(/sealed/);
  });
});

describe("collection.json as a wait's probe", () => {
  it("is not yet while missing, half-written or not a record; done with a whole one", () => {
    expect(collectionProbe(undefined)).toEqual({ done: false, state: "not written yet" });
    expect(collectionProbe('{"startedAt": "2026-12-')).toMatchObject({ done: false, state: expect.stringMatching(/^being written: 23 bytes/) });
    expect(collectionProbe('{"steps": []}')).toMatchObject({ done: false, state: expect.stringMatching(/^not a collection record/) });
    expect(collectionProbe('{"startedAt": "x", "durationMs": 1, "error": 3}')).toMatchObject({ done: false });
    expect(collectionProbe('{"startedAt": "x", "durationMs": 1}')).toEqual({ done: true, value: { startedAt: "x", durationMs: 1 } });
  });
});

describe("how long a suite waits for N1's collection", () => {
  it("is the collection's deadline plus one command, from the profile", () => {
    expect(networkWaitMs(PROFILES.ci)).toBe(4 * 60_000);
    expect(networkWaitMs(PROFILES.faithful)).toBe(5 * 60_000);
    expect(networkWaitMs({ ...PROFILES.ci, waits: { ...PROFILES.ci.waits, networkCollection: "30s", command: "10s" } })).toBe(40_000);
  });

  it("names the file, the run directory, the wait and its parts when it gives up", () => {
    expect(notEndedMessage(PROFILES.ci, "/runs/r1", "why")).toBe(
      "N1's collection, started by the global setup at the end of bring-up, did not write network/collection.json in /runs/r1 within 4m00s " +
        "(the ci profile's waits.networkCollection 2m00s + waits.command 2m00s): why",
    );
  });
});
