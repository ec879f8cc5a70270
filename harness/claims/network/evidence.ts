import { Ajv } from "ajv";
import type { AppProbe } from "../../attack/app-probe.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { jsonl, type BundleView } from "../registry.ts";
import type { CiliumNetworkPolicy } from "../../../fixtures/manifests/network-policy.ts";
import { LAYOUT } from "./layout.ts";
import type { N1Evidence, N1Target } from "./types.ts";
import type { UpstreamCheck } from "./upstream.ts";

export interface N1Record extends Omit<N1Evidence, "slackMs"> {
  upstream: UpstreamCheck[];
  /** The policy as the API server returned it (`kubectl get cnp -o json`). */
  policy: CiliumNetworkPolicy | Record<string, unknown>;
  slackMs: number;
}

/** Writes everything N1 is judged on. Nothing here is a credential: the attempt only connects, it reads no secret. */
export async function writeN1Evidence(w: Pick<ArtifactWriter, "write">, r: N1Record): Promise<string[]> {
  const lines = (xs: readonly unknown[]) => xs.map((x) => `${JSON.stringify(x)}\n`).join("");
  return Promise.all([
    w.write(LAYOUT.upstream, r.upstream),
    w.write(LAYOUT.policy, r.policy),
    w.write(LAYOUT.target, { ...r.target, slackMs: r.slackMs }),
    w.write(LAYOUT.attempt, r.attempt),
    w.write(LAYOUT.control, r.control),
    w.write(LAYOUT.flows, r.flowsText),
    w.write(LAYOUT.appProbes, lines(r.probes)),
  ]);
}

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const obj = (props: Record<string, object>, required = Object.keys(props)) => ({ type: "object", required, properties: props });
const EXEC = obj({
  namespace: str, pod: str, container: str, command: { type: "array", items: str }, startedAt: str,
  durationMs: { type: "number" }, exitCode: int, origin: { enum: ["remote", "kubectl"] }, stdout: str, stderr: str,
});
const TARGET = obj({
  app: obj({ namespace: str, pod: str, labels: { type: "object", additionalProperties: str }, ip: str }, ["namespace", "pod", "labels"]),
  sink: obj({ namespace: str, pod: str, ip: str, port: int, host: str }),
  slackMs: { type: "number", minimum: 0 },
});
const PROBE = obj({ at: str, ms: { type: "number" }, status: int }, ["at", "ms", "status"]);

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = { target: ajv.compile(TARGET), exec: ajv.compile(EXEC), probe: ajv.compile(PROBE) };

function checked<T>(path: string, value: unknown, kind: keyof typeof validators): T {
  const validate = validators[kind];
  if (!validate(value)) throw new Error(`${path} is not what N1 records: ${ajv.errorsText(validate.errors, { dataVar: "" })}`);
  return value as T;
}

/** Reads back what writeN1Evidence wrote, for judging offline. */
export function readN1Evidence(view: BundleView): { evidence: N1Evidence; paths: string[] } {
  const missing = Object.values(LAYOUT).filter((p) => !view.has(p));
  if (missing.length) throw new Error(`the bundle lacks N1's evidence: ${missing.join(", ")}`);
  const { slackMs, ...target } = checked<N1Target & { slackMs: number }>(LAYOUT.target, view.json(LAYOUT.target), "target");
  const probes = jsonl<AppProbe>(view.text(LAYOUT.appProbes)).map((p, i) => checked<AppProbe>(`${LAYOUT.appProbes} line ${i + 1}`, p, "probe"));
  return {
    evidence: {
      target,
      slackMs,
      attempt: checked(LAYOUT.attempt, view.json(LAYOUT.attempt), "exec"),
      control: checked(LAYOUT.control, view.json(LAYOUT.control), "exec"),
      flowsText: view.text(LAYOUT.flows),
      probes,
    },
    paths: Object.values(LAYOUT),
  };
}
