import type { ClaimFamily } from "../registry.ts";
import { readN1Evidence } from "./evidence.ts";
import { judgeN1 } from "./judge.ts";
import { ID } from "./layout.ts";

/**
 * N1 re-judged from its bundle: the attempt and the control as exec'd, the
 * raw Hubble flows the agent returned, the app's probes, and the pods they
 * ran between, through the judge the suite ran.
 */
export const networkFamily: ClaimFamily = {
  id: ID,
  claims: ["N1"],
  rejudge(bundle) {
    const { evidence, paths } = readN1Evidence(bundle);
    return [judgeN1(evidence, paths)];
  },
};
