import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import { decodeCredential } from "../../../harness/attack/decode-output.ts";
import { runAttack } from "../../../harness/attack/runner.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { POD } from "../../support/falco-samples.ts";

const CREDENTIAL = "A1a-stolenPasswordXy9";
const TARGET = "/mnt/secrets/db-password";

/** One ustar member as GNU tar writes it: a 512-byte header (name, octal size, type) and the padded data. */
function member(name: string, type: string, data = ""): string {
  const h = Buffer.alloc(512);
  h.write(name, 0, "utf8");
  h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124, "utf8");
  h.write(type, 156, "utf8");
  h.write("ustar  \0", 257, "utf8");
  const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  body.write(data, 0, "utf8");
  return Buffer.concat([h, body]).toString("utf8");
}
const END = Buffer.alloc(1024).toString("utf8");

describe("decoding a credential printed in another form", () => {
  it("reads base64 (wrapped or not) and od -An -v -tx1 hex bytes", () => {
    const b64 = Buffer.from(`${CREDENTIAL}\n`).toString("base64");
    expect(decodeCredential("base64", `${b64.slice(0, 10)}\n${b64.slice(10)}\n`, TARGET)).toBe(CREDENTIAL);
    const hex = [...Buffer.from(CREDENTIAL)].map((b) => b.toString(16).padStart(2, "0"));
    expect(decodeCredential("hex", ` ${hex.slice(0, 16).join(" ")}\n ${hex.slice(16).join(" ")}\n`, TARGET)).toBe(CREDENTIAL);
  });

  it("takes the regular-file member named like the target from a tar of the mount, skipping its links and directories", () => {
    const tar = [
      member("mnt/secrets/", "5"),
      member("mnt/secrets/db-password", "2"),
      member("mnt/secrets/..2026_12_01_10_00_00.123/", "5"),
      member("mnt/secrets/..2026_12_01_10_00_00.123/db-username", "0", "v-kubernet-app-x-1"),
      member("mnt/secrets/..2026_12_01_10_00_00.123/db-password", "0", CREDENTIAL),
    ].join("") + END;
    expect(decodeCredential("tar", tar, TARGET)).toBe(CREDENTIAL);
  });

  it("returns nothing for output that is not in the declared form", () => {
    expect(decodeCredential("base64", "not base64!", TARGET)).toBeUndefined();
    expect(decodeCredential("hex", "zz 41", TARGET)).toBeUndefined();
    expect(decodeCredential("tar", member("mnt/secrets/db-password", "2") + END, TARGET)).toBeUndefined();
    expect(decodeCredential("tar", "tar: Removing leading `/' from member names", TARGET)).toBeUndefined();
  });
});

describe("the runner with an encoding reader", () => {
  const BASE64: Attack = {
    id: "base64",
    source: "test",
    command: ["base64", TARGET],
    target: TARGET,
    decode: "base64",
    claims: ["F1"],
    mitre: ["T1552.001"],
    falco: { fires: [], silent: [] },
    detection: { exitCode: 0, stdout: "credential" },
    enforcement: { exitCode: 137, stdout: "empty", tetragon: "kill" },
  };
  const printed = `${Buffer.from(CREDENTIAL).toString("base64")}\n`;
  const never = () => Promise.reject(new Error("not used"));
  const kube: Kubectl = {
    context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never,
    exec: async () => ({ command: "kubectl exec", exitCode: 0, stdout: printed, stderr: "", startedAt: "", durationMs: 1 }),
  };

  it("registers the decoded credential and its encoded form, so the record holds neither", async () => {
    const red = new Redactor();
    const r = await runAttack({ kube, pod: POD, timeoutMs: 1_000, redactor: red }, BASE64, "detection");
    expect(r.credential).toBe(CREDENTIAL);
    expect(r.record.credentialRegistered).toBe(true);
    const text = inspect(r.record, { depth: 10 });
    expect(text).not.toContain(CREDENTIAL);
    expect(text).not.toContain(printed.trim());
    expect(red.redact(`x ${CREDENTIAL} y`)).not.toContain(CREDENTIAL);
  });
});
