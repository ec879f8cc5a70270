import { NETWORK_COLLECTION } from "../../claims/network/collection.ts";
import { DYNAMIC_OBSERVATION } from "./background.ts";

/**
 * Each suite file that waits for a task the global setup runs beside the
 * suites, and that task's timing name in run.json: the dynamic and network
 * suites judge what their task recorded, and the detection suite's session
 * opens only once N1's collection has ended. run.json's suite graph
 * (harness/perf/run-graph.ts suiteDeps) draws these waits, so the critical
 * path shows when one of them decided the wall time.
 */
export const SUITE_AWAITS: Readonly<Record<string, string>> = {
  "suites/e2e/dynamic.test.ts": DYNAMIC_OBSERVATION,
  "suites/e2e/network.test.ts": NETWORK_COLLECTION,
  "suites/e2e/detection.test.ts": NETWORK_COLLECTION,
};
