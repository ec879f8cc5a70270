import { describe, expect, it } from "vitest";
import { bundleView } from "../../../harness/report/bundle.ts";
import { matrixArtifactPath, readMatrix } from "../../../harness/claims/matrix.ts";

const view = (files: Record<string, object | string>) =>
  bundleView(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(typeof v === "string" ? v : JSON.stringify(v))])));

describe("attack matrix rows", () => {
  it("merge what detection and enforcement each observed about the same attack", () => {
    const rows = readMatrix(
      view({
        [matrixArtifactPath("detection", "dd")]: { attack: "dd", method: "dd", falcoRule: "[READ] x", falcoFired: true, timeToDetectMs: 910 },
        [matrixArtifactPath("enforcement", "dd")]: { attack: "dd", method: "dd if=…", tetragonKilled: true, exitCode: 137, timeToKillMs: 9 },
        [matrixArtifactPath("enforcement", "sh-c")]: { attack: "sh-c", method: 'sh -c "cat …"', tetragonKilled: false, exitCode: 0, timeToKillMs: null },
        "F1/other.json": { not: "a row" },
      }),
    );
    expect(rows).toEqual([
      {
        attack: "dd",
        method: "dd",
        falcoRule: "[READ] x",
        falcoFired: true,
        timeToDetectMs: 910,
        tetragonKilled: true,
        exitCode: 137,
        timeToKillMs: 9,
        evidence: ["matrix/detection/dd.json", "matrix/enforcement/dd.json"],
      },
      { attack: "sh-c", method: 'sh -c "cat …"', tetragonKilled: false, exitCode: 0, timeToKillMs: null, evidence: ["matrix/enforcement/sh-c.json"] },
    ]);
  });

  it("refuse two files that disagree about one observation", () => {
    const v = view({
      "matrix/detection/cat.json": { attack: "cat", method: "cat", exitCode: 137 },
      "matrix/enforcement/cat.json": { attack: "cat", method: "cat", exitCode: 0 },
    });
    expect(() => readMatrix(v)).toThrow("matrix/enforcement/cat.json: attack cat exitCode is 0, another matrix file says 137");
  });

  it("name a malformed or truncated row file", () => {
    expect(() => readMatrix(view({ "matrix/enforcement/cat.json": { attack: "cat", method: "cat", exitCode: "137" } }))).toThrow(
      "matrix/enforcement/cat.json is not a valid matrix row: /exitCode must be integer,null",
    );
    expect(() => readMatrix(view({ "matrix/enforcement/cat.json": '{"attack":"cat","meth' }))).toThrow(
      /matrix\/enforcement\/cat\.json is not valid JSON .*truncated/,
    );
  });

  it("live under matrix/<family>/<attack>.json and nowhere else", () => {
    expect(matrixArtifactPath("enforcement", "python3-open")).toBe("matrix/enforcement/python3-open.json");
    expect(() => matrixArtifactPath("../x", "cat")).toThrow(/invalid matrix row path/);
    expect(() => matrixArtifactPath("detection", "../../run")).toThrow(/invalid matrix row path/);
  });
});
