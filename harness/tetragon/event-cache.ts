/**
 * How long Tetragon may hold an event back before it reaches the export
 * stream. An event whose process or pod information is not known yet (its
 * exec event or the pod watch lags) goes into the event cache; every retry
 * delay the cache retries it, and after the last retry it sends the event
 * whatever is still missing (cilium/tetragon v1.7.0
 * pkg/eventcache/eventcache.go:140-221: `event.color < EventCacheNumRetries`
 * keeps it, the ticker fires every EventCacheRetryDelay seconds, :292).
 * The defaults are 15 retries 2 s apart (pkg/defaults/defaults.go:57-59);
 * the chart keeps them (install/kubernetes/tetragon/values.yaml:223-225,
 * tetragon.eventCacheRetries / eventCacheRetryDelay), and
 * clusters/helm/tetragon.ts does not set them.
 *
 * So a SIGKILL event of an attempt can arrive up to 15 × 2 s after the
 * attempt, behind any number of later events: a stream barrier right after
 * the attempt does not prove that no kill will still be reported.
 */
export const TETRAGON_EVENT_CACHE_RETRIES = 15;
export const TETRAGON_EVENT_CACHE_RETRY_DELAY_MS = 2_000;
/** The longest the event cache holds an event: the first retry comes at most one delay after it is cached. */
export const TETRAGON_EVENT_CACHE_MAX_DELAY_MS = TETRAGON_EVENT_CACHE_RETRIES * TETRAGON_EVENT_CACHE_RETRY_DELAY_MS;

/**
 * How long a kill verdict may still wait for its events: waits.killWait, or
 * until waits.tetragonEventDelay after the attempt ended when that is later
 * (the event cache may hold the kill's events that long). A passing verdict
 * stops the wait at once; only a missing kill waits it out.
 */
export function killSettleMs(nowMs: number, attemptEndMs: number | undefined, killWaitMs: number, eventDelayMs: number): number {
  return attemptEndMs === undefined ? killWaitMs : Math.max(killWaitMs, attemptEndMs + eventDelayMs - nowMs);
}
