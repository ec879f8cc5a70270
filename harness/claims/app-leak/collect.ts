import { APP, NS } from "../../../clusters/names.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import type { AppOutput } from "./scan.ts";

/** The requests L1 makes: the identity page in both views, the health check, and a path that does not exist (the error handler). */
export const L1_REQUESTS: readonly { path: string; accept: string }[] = [
  { path: "/", accept: "application/json" },
  { path: "/", accept: "text/html" },
  { path: "/healthz", accept: "application/json" },
  { path: "/secretproof-no-such-page", accept: "text/html" },
];

/** One answer as text: status line, headers and body, so a leak in any of them is found. Never throws: a failed request is an output with status 0. */
export async function fetchAppOutput(baseUrl: string, path: string, accept: string, timeoutMs: number): Promise<AppOutput> {
  const name = `GET ${path} (${accept})`;
  try {
    const res = await fetch(new URL(path, baseUrl), { headers: { Accept: accept }, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    const headers: string[] = [];
    res.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
    return { name, kind: "response", status: res.status, text: `${res.status} ${res.statusText}\n${headers.join("\n")}\n\n${await res.text()}` };
  } catch (err) {
    return { name, kind: "response", status: 0, text: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** The app container's whole log (stdout and stderr), and the previous container's when it restarted. */
export async function appLogs(kube: Pick<Kubectl, "run">): Promise<AppOutput[]> {
  const base = ["-n", NS.app, "logs", `deploy/${APP.deployment}`, "-c", APP.container];
  // secretStdout: a failed call withholds its output, which may hold what L1 looks for
  const current = await kube.run(base, { secretStdout: true });
  const previous = await kube.run([...base, "--previous"], { okExitCodes: [1], secretStdout: true });
  return [
    { name: "container log", kind: "log", text: current.stdout + current.stderr },
    ...(previous.exitCode === 0 ? [{ name: "previous container log", kind: "log" as const, text: previous.stdout }] : []),
  ];
}
