import { describe, expect, it } from "vitest";
import { uringLocalExpectation } from "../../../harness/attack/uring-prereq.ts";

describe("what the io_uring reader must do on the local machine", () => {
  it("reads when io_uring is open, and is refused with exit 3 when the sysctl closes it", () => {
    expect(uringLocalExpectation(undefined, false).exitCode).toBe(0);
    expect(uringLocalExpectation("0\n", false).exitCode).toBe(0);
    expect(uringLocalExpectation("1", true).exitCode).toBe(0);
    expect(uringLocalExpectation("1", false)).toEqual({ exitCode: 3, why: "kernel.io_uring_disabled is 1 and the tier does not run as root" });
    expect(uringLocalExpectation("2", true).exitCode).toBe(3);
  });

  it("refuses a value the kernel does not document", () => {
    expect(() => uringLocalExpectation("3", false)).toThrow(/reads "3"; the kernel documents only 0, 1 and 2/);
  });
});
