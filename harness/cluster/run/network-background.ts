import { formatMs, toMs } from "../../../clusters/duration.ts";
import { runNetworkCollection } from "../../claims/network/collect-background.ts";
import { NETWORK_COLLECTION, type CollectionRecord } from "../../claims/network/collection.ts";
import type { StepTiming } from "../../evidence/recorder.ts";
import { SealableWriter, type EvidenceSink } from "../../evidence/sealable-writer.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import type { Profile } from "../../profile.ts";
import type { BackgroundObservation } from "./background.ts";

/** `work`, or "late" once `ms` have passed; the timer never outlives the work. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | "late"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((done) => {
    timer = setTimeout(() => done("late"), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs N1's collection at once, after `after`, with `deadlineMs` (the
 * profile's waits.networkCollection) as its deadline: then it is stopped, so
 * it starts no further command. Its outcome is collection.json (or an
 * error), never an unhandled rejection. The teardown settles it as it does
 * the dynamic observation: stopped, awaited up to `waitMs`, then its writer
 * sealed (within `closeMs`) so nothing it does later reaches the run directory.
 */
export function superviseNetworkCollection(
  run: (signal: AbortSignal) => Promise<CollectionRecord>,
  writer: Pick<SealableWriter, "seal">,
  deadlineMs: number,
  after: string,
  log: (line: string) => void,
): BackgroundObservation {
  const stop = new AbortController();
  const t0 = Date.now();
  let ended: number | undefined;
  const deadline = setTimeout(() => stop.abort(new Error(`N1's collection passed its deadline (waits.networkCollection, ${formatMs(deadlineMs)})`)), deadlineMs);
  deadline.unref();
  const result = run(stop.signal).then(
    (r) => r,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  void result.then((r) => {
    clearTimeout(deadline);
    ended = Date.now();
    const why = r instanceof Error ? r.message : r.error;
    log(`${NETWORK_COLLECTION} ended after ${formatMs(ended - t0)}${why ? `: ${why}` : ", its evidence recorded"}`);
  });
  return {
    stop: (reason) => stop.abort(new Error(reason)),
    async settle(waitMs, closeMs) {
      const first = await within(result, waitMs);
      let error: string | undefined;
      if (first === "late") {
        const why = `still running ${formatMs(waitMs)} after it was stopped`;
        log(`${NETWORK_COLLECTION}: ${why}; sealing its writer`);
        stop.abort(new Error(why));
        const sealed = await within(writer.seal(why), closeMs);
        error = `${why}; its writer sealed${sealed === "late" ? ` (writes under way had not settled after ${formatMs(closeMs)})` : ""}`;
      } else if (first instanceof Error) error = first.message;
      else error = first.error;
      const timing: StepTiming = { name: NETWORK_COLLECTION, startedAt: new Date(t0).toISOString(), durationMs: (ended ?? Date.now()) - t0, ok: error === undefined, deps: [after] };
      return error === undefined ? timing : { ...timing, error };
    },
  };
}

/** What the collection needs from the global setup. */
export interface NetworkTarget {
  kube: Kubectl;
  profile: Profile;
  evidence: EvidenceSink;
  ctx: { kubeContext: string };
}

/** Starts N1's collection beside the suites, its evidence written through a writer the teardown can seal. */
export function startNetworkCollection(t: NetworkTarget, after: string, log: (line: string) => void): BackgroundObservation {
  const writer = new SealableWriter(t.evidence, log);
  const run = (signal: AbortSignal) => runNetworkCollection({ kube: t.kube, kubeContext: t.ctx.kubeContext, profile: t.profile, signal }, writer);
  return superviseNetworkCollection(run, writer, toMs(t.profile.waits.networkCollection), after, log);
}
