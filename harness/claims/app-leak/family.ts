import type { ClaimFamily } from "../registry.ts";
import { readL1Evidence } from "./evidence.ts";
import { judgeL1 } from "./judge.ts";
import { ID } from "./layout.ts";

/**
 * L1 re-judged from its bundle: the recorded scan (sources by hash, leaks by
 * kind, length and offset) through the judge the suite ran. The scan itself
 * ran on the live answers and log, which are never recorded.
 */
export const appLeakFamily: ClaimFamily = {
  id: ID,
  claims: ["L1"],
  rejudge(bundle) {
    const { scan, evidence } = readL1Evidence(bundle);
    return [judgeL1(scan, evidence)];
  },
};
