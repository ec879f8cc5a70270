import { readA2Evidence } from "./evidence.ts";
import { judgeA2Scan } from "./judge.ts";
import type { ClaimFamily } from "../registry.ts";
import { ID } from "./layout.ts";

/**
 * A2 re-judged from its bundle: the recorded scan (needle hits by object,
 * field and needle hash; an inventory of every Secret, ConfigMap and Pod) and
 * its scope, through the judge the suite ran. The scan itself ran on the
 * live kubectl documents, which hold every Secret and are never recorded.
 */
export const a2NoSecretsFamily: ClaimFamily = {
  id: ID,
  claims: ["A2"],
  rejudge(bundle) {
    const { scope, scan, evidence } = readA2Evidence(bundle);
    return [judgeA2Scan(scan, scope, evidence).verdict];
  },
};
