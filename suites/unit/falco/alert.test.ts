import { describe, expect, it } from "vitest";
import { FalcoLineParser, FalcoTimeParser, parseFalcoStream, parseFalcoTime } from "../../../harness/falco/alert.ts";
import { T0, alertLine } from "../../support/falco-samples.ts";

const ours = alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 100.5, cmdline: "cat /mnt/secrets/db-password" });

describe("Falco JSON stream parsing", () => {
  it("reads an alert in Falco's exact format, keeping nanosecond time as fractional ms", () => {
    const r = new FalcoLineParser().parse(ours);
    expect(r.kind).toBe("alert");
    expect(r.alert?.rule).toBe("SecretProof - Secret File Read");
    expect(r.alert?.priority).toBe("Critical");
    expect(r.alert?.fields["proc.cmdline"]).toBe("cat /mnt/secrets/db-password");
    expect(r.alert?.fields["proc.pname"]).toBeNull();
    expect(r.alert?.timeMs).toBeCloseTo(T0 + 100.000321, 6);
  });

  it("parses Falco's time only in its UTC nanosecond form", () => {
    expect(parseFalcoTime("2026-11-26T10:23:11.855188321Z")).toBeCloseTo(Date.parse("2026-11-26T10:23:11.855Z") + 0.188321, 6);
    expect(parseFalcoTime("2026-11-26T10:23:11Z")).toBe(Date.parse("2026-11-26T10:23:11Z"));
    expect(parseFalcoTime("10:23:11.855188321")).toBeUndefined();
    expect(parseFalcoTime("2026-11-26T10:23:11.855+01:00")).toBeUndefined();
  });

  it("counts and skips interleaved log lines, foreign rules, internal alerts and broken JSON", () => {
    const internal =
      '{"hostname":"n","output":"Falco internal: syscall event drop. 12 system calls dropped in last second.","output_fields":{"n_drops":12},"priority":"Debug","rule":"Falco internal: syscall event drop","source":"internal","time":"2026-11-26T10:23:12.000000000Z"}';
    const foreign =
      '{"hostname":"n","output":"x","output_fields":{"proc.cmdline":"bash"},"priority":"Notice","rule":"Terminal shell in container","source":"syscall","tags":["container"],"time":"2026-11-26T10:23:12.000000000Z"}';
    const text = [
      "Thu Nov 26 10:00:00 2026: Falco version: 0.44.1 (x86_64)",
      "Thu Nov 26 10:00:00 2026: Loading rules from: /etc/falco/rules.d/secretproof-rules.yaml",
      ours,
      foreign,
      internal,
      ours.slice(0, ours.length - 20),
      "Events detected: 3",
      "",
      ours,
    ].join("\n");
    const r = parseFalcoStream(text);
    expect(r.alerts).toHaveLength(2);
    expect(r.internal.map((a) => a.rule)).toEqual(["Falco internal: syscall event drop"]);
    expect(r.counts).toEqual({ lines: 8, alerts: 2, foreign: 1, internal: 1, nonJson: 3, invalid: 1 });
  });

  it("rejects an object that is not an alert instead of guessing", () => {
    const p = new FalcoLineParser();
    expect(p.parse('{"rule":"SecretProof - X","priority":"Critical"}').kind).toBe("invalid");
    expect(p.lastInvalid).toMatch(/no time/);
  });
});

describe("FalcoTimeParser", () => {
  it("gives parseFalcoTime's result for every spelling, valid or not, in any order", () => {
    const inputs = [
      "2026-11-26T10:00:00.123456789Z",
      "2026-11-26T10:00:00.5Z",
      "2026-11-26T10:00:00Z",
      "2026-11-26T10:00:01.000000001Z",
      "2026-11-26T10:00:01.1234567890Z",
      "2026-11-26T10:00:01.12x Z",
      "2026-11-26T10:00:01+01:00",
      "2026-11-26T10:00:01.",
      "2026-02-30T10:00:01.1Z",
      "not a time",
      "",
      "2026-11-26T10:00:00.999999999Z",
      "2028-02-29T23:59:59.999Z",
    ];
    const p = new FalcoTimeParser();
    for (const t of [...inputs, ...inputs.slice().reverse(), ...inputs]) expect(p.parse(t), t).toBe(parseFalcoTime(t));
  });
});
