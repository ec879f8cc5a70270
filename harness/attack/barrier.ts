import { randomBytes } from "node:crypto";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PodIdentity } from "./attempt.ts";
import { markerOffset, type OffsetBound } from "./clock.ts";

/** An event stream that can see the marker exec (Falco's marker rule, Tetragon's process_exec). */
export interface MarkerStream {
  readonly name: string;
  /** Resolves with the event time (epoch ms) of the marker carrying `nonce` from `pod`'s container, checking every `intervalMs`. */
  waitForMarker(nonce: string, pod: PodIdentity, timeoutMs: number, intervalMs: number): Promise<{ timeMs: number }>;
}

export interface BarrierRecord {
  nonce: string;
  /** Harness clock when the marker exec started. */
  requestedMs: number;
  /** Harness clock when the marker exec returned. */
  execEndMs: number;
  /** Event time of the marker per stream name (the node's clock). */
  seen: Record<string, number>;
  /** Node-minus-harness clock offset each stream's marker proves (harness/attack/clock.ts). */
  offsets: Record<string, OffsetBound>;
}

export function newNonce(): string {
  return `secretproof-marker-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Runs `true <nonce>` in the app container and waits until every stream has
 * delivered its marker event.
 *
 * What a delivered marker proves differs per stream:
 * - Falco: every event before the marker has been judged. The marker exec
 *   starts after the attempt's command has exited, so the attempt's syscalls
 *   were committed to the driver's ring buffers first, and the modern eBPF
 *   consumer always takes the oldest event across its buffers
 *   (falcosecurity/libs userspace/libpman/src/ringbuffer.c
 *   ringbuf__consume_first_event; libs PR #646, #2009); rules run on that one
 *   ordered stream and alerts leave through one output queue. So "no alert
 *   up to the marker" is "no alert" (barring reported drops, which the judge
 *   checks).
 * - Tetragon: only that the stream is live and read up to then. Its event
 *   cache holds back an event whose process or pod is not known yet and
 *   retries it every 2 s up to 15 times (cilium/tetragon v1.7.0
 *   pkg/defaults/defaults.go:58-59, pkg/eventcache/eventcache.go:140-221),
 *   so a SIGKILL of an earlier attempt may still arrive after the marker.
 *   Absence of a kill is proven by a re-check after the event-delay wait
 *   (AttackSession.recheck), not by this barrier.
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
  const execEndMs = Date.now();
  const seen: Record<string, number> = {};
  const offsets: Record<string, OffsetBound> = {};
  await Promise.all(
    streams.map(async (s) => {
      const t = (await s.waitForMarker(nonce, pod, wait.timeoutMs, wait.intervalMs)).timeMs;
      seen[s.name] = t;
      offsets[s.name] = markerOffset(t, requestedMs, execEndMs);
    }),
  );
  return { nonce, requestedMs, execEndMs, seen, offsets };
}
