import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { toMs } from "../../clusters/duration.ts";
import { observationProbe, type ObservationRecord } from "../claims/dynamic/observation.ts";
import { readDynamicEvidence, type DynamicEvidence } from "../claims/dynamic/evidence.ts";
import { LAYOUT } from "../claims/dynamic/layout.ts";
import { waitFor } from "../core/wait.ts";
import { bundleView } from "../report/bundle.ts";
import type { E2E } from "./e2e.ts";

export interface Observed {
  record: ObservationRecord;
  ev: DynamicEvidence;
}

const read = (dir: string, rel: string) => readFile(join(dir, rel)).then((b) => [rel, b] as const, () => undefined);

/**
 * The dynamic observation the global setup started beside the other suites
 * (harness/claims/dynamic/collect-background.ts): waits for its observation.json
 * (within the suites' budget), then reads its evidence back from the run
 * directory, as `secretproof verify` does.
 */
export async function awaitObservation(e2e: E2E): Promise<Observed> {
  const dir = e2e.ctx.runDir;
  const what = `the dynamic observation started by the global setup to write ${LAYOUT.observation} in ${dir}`;
  // parsed inside the probe: a look that catches the file half-written keeps waiting (observationProbe)
  const record = await waitFor(what, async () => observationProbe((await read(dir, LAYOUT.observation))?.[1].toString("utf8")), {
    timeoutMs: toMs(e2e.profile.budget),
    intervalMs: toMs(e2e.profile.waits.poll),
  });
  const files = (await Promise.all(Object.values(LAYOUT).map((rel) => read(dir, rel)))).filter((f) => f !== undefined);
  const ev = readDynamicEvidence(bundleView(new Map(files)));
  if (!ev) throw new Error(`${what}: it wrote no ${LAYOUT.params}${record.connectError ? ` (connecting failed: ${record.connectError})` : ""}`);
  return { record, ev };
}
