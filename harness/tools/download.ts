import { createHash } from "node:crypto";
import { fetch, fs } from "zx";
import { formatMs } from "../../clusters/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";

export interface FetchVerifiedOptions {
  /** The sha256 the file must have (hex). */
  sha256: string;
  /** What the file is, for messages ("kind v0.33.0 linux-amd64"). */
  what: string;
  /** Bound of the whole download, retries of broken transfers included. */
  timeoutMs: number;
  /** Pause between attempts after a broken transfer or a 5xx. */
  intervalMs: number;
}

/** One GET of `url` into `dest`, hashing as it writes. A broken or short transfer throws (and may be retried). */
async function getOnce(url: string, dest: string, deadline: number): Promise<{ bytes: number; sha256: string }> {
  const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) }).catch((err: Error) => {
    if (err.name === "TimeoutError") throw err;
    const why = (err.cause as Error | undefined)?.message;
    throw new Error(`GET ${url} failed: ${err.message}${why ? ` (${why})` : ""}`, { cause: err });
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    const msg = `GET ${url} answered ${res.status} ${res.statusText}`;
    throw res.status >= 500 || res.status === 429 ? new Error(msg) : new PermanentError(msg);
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  const hash = createHash("sha256");
  const out = await fs.promises.open(dest, "w", 0o600);
  let bytes = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      await out.write(chunk);
    }
  } catch (err) {
    const of = Number.isFinite(declared) ? ` of ${declared}` : "";
    throw new Error(`GET ${url} broke off after ${bytes}${of} bytes: ${(err as Error).message}`, { cause: err });
  } finally {
    await out.close();
  }
  if (Number.isFinite(declared) && bytes !== declared) {
    throw new Error(`GET ${url} ended after ${bytes} of the ${declared} bytes it announced`);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * Downloads `url` to `dest` and checks its sha256 against the pin. Broken
 * transfers and 5xx answers are tried again within the bound; a 4xx or a
 * sha256 that differs from the pin fails at once, and the file is removed:
 * nothing unverified is left where it could be installed.
 */
export async function fetchVerified(url: string, dest: string, o: FetchVerifiedOptions): Promise<{ bytes: number }> {
  const deadline = Date.now() + o.timeoutMs;
  let before: Error | undefined;
  const attempt = async () => {
    try {
      return { done: true as const, value: await getOnce(url, dest, deadline) };
    } catch (err) {
      if ((err as Error).name !== "TimeoutError") throw (before = err as Error);
      const earlier = before ? `; the attempt before: ${before.message}` : "";
      throw new Error(`GET ${url} did not finish within ${formatMs(o.timeoutMs)}${earlier}`, { cause: err });
    }
  };
  try {
    const got = await waitFor(`${o.what} from ${url}`, attempt, { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs });
    if (got.sha256 !== o.sha256.toLowerCase()) {
      throw new PermanentError(
        `${o.what} from ${url} has sha256 ${got.sha256} (${got.bytes} bytes); clusters/versions.ts pins ${o.sha256}: refusing to install it`,
      );
    }
    return { bytes: got.bytes };
  } catch (err) {
    await fs.promises.rm(dest, { force: true });
    throw err;
  }
}
