import type { ClaimFamily } from "../registry.ts";
import { loadDetectionEvidence } from "./evidence.ts";
import { judgeDetection } from "./judge.ts";
import { ID } from "./layout.ts";
import { detectionMatrix } from "./matrix.ts";

/** F1/F2 re-judged from the detection bundle, and its attack-matrix rows derived again. */
export const detectionFamily: ClaimFamily = {
  id: ID,
  claims: ["F1", "F2"],
  rejudge: (bundle, opts) => judgeDetection(loadDetectionEvidence(bundle, opts)),
  matrix: (bundle, opts) => detectionMatrix(loadDetectionEvidence(bundle, opts)),
};
