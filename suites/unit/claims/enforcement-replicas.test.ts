import { describe, expect, it } from "vitest";
import { mountPrefix } from "../../../harness/claims/enforcement/judge.ts";
import { replicaFact, replicaProblems } from "../../../harness/claims/enforcement/replicas.ts";

const a = { name: "api-a", uid: "u-a", restartCount: 0 };
const b = { name: "api-b", uid: "u-b", restartCount: 2 };

describe("the workload's other pods across the enforcing phase", () => {
  it("a pod gone, replaced or restarted is named; a pod added is no harm", () => {
    expect(replicaProblems({ before: [a, b], after: [{ ...a, uid: "u-a2" }, { ...b, restartCount: 3 }, { name: "api-c", uid: "u-c", restartCount: 0 }] })).toEqual([
      "workload pod api-a was replaced during the phase (uid u-a -> u-a2)",
      "workload pod api-b restarted during the phase (restartCount 2 -> 3)",
    ]);
    expect(replicaProblems({ before: [a, b], after: [b] })).toEqual(["workload pod api-a is gone after the phase"]);
    expect(replicaProblems({ before: [a] })).toEqual(["the workload's pods were not observed after the phase"]);
    expect(replicaProblems({ before: [a, b], after: [b, a] })).toEqual([]);
    expect(replicaFact({ before: [a, b], after: [a, b] })).toBe("every workload pod (api-a, api-b) kept its uid and restartCount");
  });

  it("bundles without the samples (the suites') are judged as before", () => {
    expect(replicaProblems(undefined)).toEqual([]);
    expect(replicaFact(undefined)).toBeUndefined();
  });
});

describe("the mount a kill is judged on", () => {
  it("is the recorded catalogue's mount, with one trailing slash, or the kind stack's", () => {
    expect(mountPrefix({ paths: { mountPath: "/var/run/app-secrets/", passwordFile: "pw" } })).toBe("/var/run/app-secrets/");
    expect(mountPrefix({ paths: { mountPath: "/var/run/app-secrets", passwordFile: "pw" } })).toBe("/var/run/app-secrets/");
    expect(mountPrefix({})).toBe("/mnt/secrets/");
  });
});
