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
 * delivered its marker event (mark, then awaitMarkers; a batch of attempts
 * runs its marker execs first and awaits them all at once).
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
  const b = await mark(kube, pod);
  const missing = await awaitMarkers([b], pod, streams, wait);
  if (missing[0]) throw missing[0].error;
  return b;
}

/** Runs the marker exec `true <nonce>` in the app container; what arrives where is noted later (awaitMarkers). */
export async function mark(kube: Kubectl, pod: PodIdentity): Promise<BarrierRecord> {
  const nonce = newNonce();
  const requestedMs = Date.now();
  await kube.exec(pod.namespace, pod.name, ["true", nonce], { container: pod.container });
  return { nonce, requestedMs, execEndMs: Date.now(), seen: {}, offsets: {} };
}

/** A marker a stream did not deliver, with that stream's wait error. */
export interface Undelivered {
  stream: string;
  nonce: string;
  error: unknown;
}

/**
 * One wait, within one deadline, for the delivery of every record's marker in
 * every stream; each arrival's event time and the clock offset it proves are
 * noted on its record. Returns what did not arrive. Each stream is searched
 * from the newest marker back: Falco delivers oldest first (above), so once
 * its last marker is there the earlier ones are found at once, and one that
 * is not is missing, not late. Tetragon may deliver a marker's exec event
 * after later ones (its event cache holds an exec whose pod is not known yet:
 * cilium/tetragon v1.7.0 pkg/grpc/exec/exec.go:89-96, pkg/eventcache/eventcache.go:238-251),
 * so each of its markers is awaited for itself, with what is left of the deadline.
 */
export async function awaitMarkers(
  records: readonly BarrierRecord[],
  pod: PodIdentity,
  streams: readonly MarkerStream[],
  wait: { timeoutMs: number; intervalMs: number },
): Promise<Undelivered[]> {
  const deadline = Date.now() + wait.timeoutMs;
  const missing: Undelivered[] = [];
  await Promise.all(
    streams.map(async (s) => {
      for (const b of [...records].reverse()) {
        if (b.seen[s.name] !== undefined) continue;
        try {
          const t = (await s.waitForMarker(b.nonce, pod, Math.max(0, deadline - Date.now()), wait.intervalMs)).timeMs;
          b.seen[s.name] = t;
          b.offsets[s.name] = markerOffset(t, b.requestedMs, b.execEndMs);
        } catch (error) {
          missing.push({ stream: s.name, nonce: b.nonce, error });
        }
      }
    }),
  );
  return missing;
}
