import { describe, expect, it } from "vitest";
import { appLeakFamily } from "../../../harness/claims/app-leak/family.ts";
import { judgeL1 } from "../../../harness/claims/app-leak/judge.ts";
import { LAYOUT } from "../../../harness/claims/app-leak/layout.ts";
import { scanAppOutputs, type AppOutput } from "../../../harness/claims/app-leak/scan.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { memoryBundle } from "../../support/bundle.ts";

/** A Vault database password as the default password policy makes them. */
const PASSWORD = "nZrram3e3xA39rYPQk-Z";
const USER = "v-kubernet-secure-a-XrqklZNhLjkrgBfY4gq9-1795687245";
const CANARY = { label: "L1 control canary", value: "l1-canary-5f0c2a9e11d4b6a7c8e9f0a1" };
const json = (extra: object = {}) => `200 OK\ncontent-type: application/json\ncache-control: no-store\n\n${JSON.stringify({ db_user: USER, server_addr: "10.244.0.31", db_time: "2026-11-26T10:00:50.123456+00:00", pid: 1, ...extra })}`;
const clean: AppOutput[] = [
  { name: "GET / (application/json)", kind: "response", status: 200, text: json() },
  { name: "GET / (text/html)", kind: "response", status: 200, text: `200 OK\ncontent-type: text/html; charset=utf-8\n\n<!doctype html><html><body><table><tr><th>db_user</th><td>${USER}</td></tr></table></body></html>` },
  { name: "GET /healthz (application/json)", kind: "response", status: 200, text: '200 OK\n\n{"status": "ok"}' },
  { name: "container log", kind: "log", text: " * Serving Flask app 'app'\n * Running on http://10.244.0.31:8080\nsecure-test-app: database connection failed (OperationalError)\n" },
];
const scan = (outputs: AppOutput[] = clean, secrets = [{ label: "mounted db-password", value: PASSWORD }]) => scanAppOutputs(outputs, secrets, CANARY);

describe("L1: the app never reveals its credential", () => {
  it("passes when no answer and no log line holds the password or a 4+ character prefix, the control page's leak being found", () => {
    const v = judgeL1(scan(), [LAYOUT.scan]);
    expect(v).toMatchObject({ claim: "L1", verdict: "pass", negativeControl: { verdict: "pass" }, evidence: [LAYOUT.scan] });
    expect(v.reasons[0]).toMatch(/scanned 4 outputs \(3 answered 200, 1 logs\) for mounted db-password <redacted sha256:[0-9a-f]{16} len:20>/);
  });

  it("fails on the article's leak: the first four characters on the page", () => {
    const outputs = [...clean, { name: "GET / (text/html)", kind: "response" as const, status: 200, text: `<p>password: ${PASSWORD.slice(0, 4)}****</p>` }];
    const v = judgeL1(scan(outputs));
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(/GET \/ \(text\/html\): a 4-character prefix of the mounted db-password at offset 13/);
  });

  it("fails on the whole password in any spelling, in a log line too", () => {
    const b64 = Buffer.from(PASSWORD).toString("base64");
    expect(judgeL1(scan([...clean, { name: "container log", kind: "log", text: `debug: ${b64}\n` }])).verdict).toBe("fail");
    expect(judgeL1(scan([...clean.slice(0, 3), { name: "container log", kind: "log", text: `pw=${PASSWORD}` }])).verdict).toBe("fail");
  });

  it("is inconclusive without a password to look for, without a 200 answer, or without the log", () => {
    expect(judgeL1(scan(clean, [])).reasons).toContain("no mounted password was read to look for");
    expect(judgeL1(scan(clean.map((o) => ({ ...o, status: o.kind === "response" ? 503 : undefined })))).verdict).toBe("inconclusive");
    expect(judgeL1(scan(clean.filter((o) => o.kind !== "log"))).reasons).toContain("the app's container log was not scanned");
  });

  it("records where and how long a leak is, never its characters, and the text only by length and hash", () => {
    const outputs = [...clean, { name: "GET / (application/json)", kind: "response" as const, status: 200, text: json({ password_hint: `${PASSWORD.slice(0, 4)}****` }) }];
    const text = JSON.stringify(scan(outputs));
    expect(text).not.toContain(PASSWORD.slice(0, 4));
    expect(text).not.toContain(USER);
    expect(text).not.toContain(CANARY.value.slice(0, 4));
  });

  it("re-judges from its bundle as the suite judged, and refuses a scan file carrying anything else", () => {
    const s = scan();
    const judged = appLeakFamily.rejudge(memoryBundle({ [LAYOUT.scan]: s }));
    expect(judged).toEqual([judgeL1(s, [LAYOUT.scan])]);
    const forged = { ...s, leaks: [{ source: "x", secret: "y", kind: "prefix", length: 4, index: 0, text: PASSWORD.slice(0, 4) }] };
    expect(() => appLeakFamily.rejudge(memoryBundle({ [LAYOUT.scan]: forged }))).toThrow(/L1\/scan\.json is not what L1 records/);
    expect(FAMILIES.at(-1)).toBe(appLeakFamily);
  });
});
