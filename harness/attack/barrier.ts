import { randomBytes } from "node:crypto";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PodIdentity } from "./attempt.ts";

/** An event stream that can see the marker exec (Falco's marker rule, Tetragon's process_exec). */
export interface MarkerStream {
  readonly name: string;
  /** Resolves with the event time (epoch ms) of the marker carrying `nonce`, checking every `intervalMs`. */
  waitForMarker(nonce: string, timeoutMs: number, intervalMs: number): Promise<{ timeMs: number }>;
}

export interface BarrierRecord {
  nonce: string;
  /** Harness clock when the marker exec started. */
  requestedMs: number;
  /** Event time of the marker per stream name. */
  seen: Record<string, number>;
}

export function newNonce(): string {
  return `secretproof-marker-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Runs `true <nonce>` in the app container and waits until every stream has
 * delivered its marker event. Streams deliver in event order, so once the
 * marker is seen everything before it has been seen too: a barrier after an
 * attempt turns "no alert yet" into "no alert".
 */
export async function barrier(
  kube: Kubectl,
  pod: PodIdentity,
  streams: readonly MarkerStream[],
  wait: { timeoutMs: number; intervalMs: number },
): Promise<BarrierRecord> {
  const nonce = newNonce();
  const requestedMs = Date.now();
  await kube.exec(pod.namespace, pod.name, ["true", nonce], { container: pod.container });
  const seen: Record<string, number> = {};
  await Promise.all(
    streams.map(async (s) => {
      seen[s.name] = (await s.waitForMarker(nonce, wait.timeoutMs, wait.intervalMs)).timeMs;
    }),
  );
  return { nonce, requestedMs, seen };
}
