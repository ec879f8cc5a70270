import { describe, expect, it } from "vitest";
import { exfilConnectTimeoutMs } from "../../../harness/claims/network/connect-timeout.ts";
import { EXFIL_PROGRAM, exfilProgram } from "../../../harness/claims/network/collect.ts";

describe("N1's connect timeout, as the model reads it", () => {
  it("is the timeout the exfiltration program N1 runs passes to create_connection", () => {
    const m = /timeout=(\d+(?:\.\d+)?)/.exec(EXFIL_PROGRAM);
    expect(exfilConnectTimeoutMs()).toBe(Number(m?.[1]) * 1000);
    expect(exfilConnectTimeoutMs(exfilProgram("sink.example", 8080))).toBe(exfilConnectTimeoutMs());
  });

  it("reads a fractional timeout, and names a program that sets none", () => {
    expect(exfilConnectTimeoutMs("socket.create_connection(('h', 1), timeout=2.5)")).toBe(2500);
    expect(() => exfilConnectTimeoutMs("socket.create_connection(('h', 1))")).toThrow("N1's exfiltration program sets no connect timeout: socket.create_connection(('h', 1))");
  });
});
