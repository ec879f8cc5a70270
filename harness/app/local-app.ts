/**
 * Runs the fixture app (fixtures/app/app.py) for real on this machine:
 * `python3 app.py` on 127.0.0.1 and a free port, ready once /healthz answers.
 */
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError, tail } from "../core/errors.ts";
import { findPython } from "../core/locate.ts";
import { freePort } from "../core/net.ts";
import { waitFor } from "../core/wait.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Profile } from "../profile.ts";

export const APP_DIR = fileURLToPath(new URL("../../fixtures/app/", import.meta.url));

export interface LocalAppOptions {
  secretsDir: string;
  db: { host: string; port: number; database: string };
  profile: Profile;
  redactor?: Redactor;
  /** Further environment for the app (e.g. a mutation's flag); the defaults above win nothing over it. */
  env?: Readonly<Record<string, string>>;
}

export interface AppResponse {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

export interface LocalApp {
  readonly url: string;
  readonly pid: number;
  /** GETs `path`; `json` sends `Accept: application/json`, otherwise `text/html`. */
  get(path: string, opts?: { json?: boolean }): Promise<AppResponse>;
  /** True while the process is running. */
  alive(): boolean;
  /** stdout + stderr so far, redacted. */
  output(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

type Proc = ResultPromise<{ cwd: string; env: Record<string, string>; reject: false; all: true; buffer: false }>;

function spawnApp(python: string, port: number, opts: LocalAppOptions, sink: string[]): Proc {
  const proc = execa(python, ["app.py"], {
    cwd: APP_DIR,
    env: {
      SECRETS_DIR: opts.secretsDir,
      DB_HOST: opts.db.host,
      DB_PORT: String(opts.db.port),
      DB_NAME: opts.db.database,
      BIND_HOST: "127.0.0.1",
      PORT: String(port),
      PYTHONDONTWRITEBYTECODE: "1",
      ...opts.env,
    },
    reject: false,
    all: true,
    buffer: false,
  });
  proc.all?.on("data", (chunk: Buffer) => sink.push(chunk.toString("utf8")));
  return proc;
}

async function request(url: string, timeoutMs: number, json: boolean): Promise<AppResponse> {
  const res = await fetch(url, {
    headers: { Accept: json ? "application/json" : "text/html" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => (headers[key] = value));
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    headers,
    body: await res.text(),
  };
}

/** Starts the app and waits for /healthz; retries on another port if the first was taken. */
export async function startLocalApp(opts: LocalAppOptions): Promise<LocalApp> {
  const python = await findPython();
  if (!python) throw new PermanentError("no python3 with flask and psycopg2 (run `secretproof preflight --tier local`)");
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(python, port, opts);
    } catch (err) {
      lastErr = err;
      if (!/Address already in use/i.test(String((err as Error).message))) throw err;
    }
  }
  throw lastErr;
}

async function startOn(python: string, port: number, opts: LocalAppOptions): Promise<LocalApp> {
  const red = opts.redactor ?? defaultRedactor;
  const out: string[] = [];
  const proc = spawnApp(python, port, opts, out);
  let exited = false;
  void proc.then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = toMs(opts.profile.local.serverStart);
  const output = () => red.redact(out.join(""));
  const stop = async () => {
    if (!exited) proc.kill("SIGTERM");
    await proc;
  };
  try {
    await waitFor(
      `the app at ${url}/healthz`,
      async () => {
        if (exited) throw new PermanentError(`python3 app.py exited before it was ready:\n${tail(output())}`);
        const r = await request(`${url}/healthz`, timeoutMs, true);
        return r.status === 200 ? { done: true, value: r } : { done: false, state: r.status };
      },
      { timeoutMs, intervalMs: toMs(opts.profile.local.pollInterval) },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    pid: proc.pid as number,
    get: (path, o) => request(`${url}${path}`, timeoutMs, o?.json ?? false),
    alive: () => !exited,
    output,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
