/**
 * Requests to the app's JSON view (GET / with Accept: application/json):
 * status, the DB identity it reports and its PID. The app never returns any
 * part of the password, and only these fields are kept.
 */
export interface AppProbe {
  at: string;
  ms: number;
  durationMs: number;
  status: number;
  dbUser?: string;
  pid?: number;
  error?: string;
}

/**
 * One request. `signal` (a port-forward's) aborts it; the probe then records
 * the signal's reason (the port-forward's exit) as its error, and a probe
 * made after the abort records it at once without a request.
 */
export async function probeApp(baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<AppProbe> {
  const ms = Date.now();
  const base = { at: new Date(ms).toISOString(), ms };
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await fetch(`${baseUrl}/`, { headers: { Accept: "application/json" }, signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    const text = await res.text();
    let body: { db_user?: unknown; pid?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      /* a non-JSON answer keeps only its status */
    }
    return {
      ...base,
      durationMs: Date.now() - ms,
      status: res.status,
      dbUser: typeof body.db_user === "string" ? body.db_user : undefined,
      pid: typeof body.pid === "number" ? body.pid : undefined,
    };
  } catch (err) {
    return { ...base, durationMs: Date.now() - ms, status: 0, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

export interface AppTraffic {
  probes(): AppProbe[];
  stop(): Promise<AppProbe[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Probes the app back to back, one request every `intervalMs`, until stopped.
 * When `stopOn` aborts (its port-forward stopped forwarding), the request in
 * flight, or the next one, records the reason, and the traffic ends there:
 * later requests could only fail the same way.
 */
export function startAppTraffic(baseUrl: string, intervalMs: number, timeoutMs: number, stopOn?: AbortSignal): AppTraffic {
  const list: AppProbe[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  stopOn?.addEventListener("abort", () => wake?.(), { once: true });
  const loop = (async () => {
    while (!stopped) {
      list.push(await probeApp(baseUrl, timeoutMs, stopOn));
      if (stopOn?.aborted) break;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, intervalMs);
      });
    }
  })();
  const stop = async () => {
    stopped = true;
    wake?.();
    await loop;
    return [...list];
  };
  return {
    probes: () => [...list],
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

/** No traffic: the app is not probed (no Service was given). It records no request. */
export function idleTraffic(): AppTraffic {
  return { probes: () => [], stop: async () => [], [Symbol.asyncDispose]: async () => {} };
}
