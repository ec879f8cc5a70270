import type { ClaimFamily } from "../registry.ts";
import type { Verdict } from "../verdict.ts";
import { judgeAppReads, judgeT2 } from "./app.ts";
import { loadEnforcementEvidence } from "./evidence.ts";
import { judgeRestored, judgeT1, judgeT3, type EnforcementEvidence } from "./judge.ts";
import { ID } from "./layout.ts";
import { enforcementMatrix } from "./matrix.ts";

/** Every T1–T3 verdict from the suite's evidence. */
export function judgeEnforcement(ev: EnforcementEvidence): Verdict[] {
  const enforced = new Map(ev.attempts.filter((x) => x.phase === "enforcement").map((x) => [x.attack, x]));
  const restored = ev.attempts.find((x) => x.phase === "restored");
  const out: Verdict[] = [];
  for (const a of ev.catalogue.attacks) out.push(judgeT1(a, enforced.get(a.id), ev));
  out.push(judgeAppReads(ev));
  out.push(judgeRestored(ev.catalogue.attacks.find((a) => a.id === restored?.attack), restored, ev));
  out.push(judgeT2(ev));
  for (const a of ev.catalogue.attacks.filter((x) => x.enforcement.tetragon === "kill")) out.push(judgeT3(a, enforced.get(a.id), ev));
  return out;
}

/** T1–T3 re-judged from the enforcement bundle, and its attack-matrix rows derived again. */
export const enforcementFamily: ClaimFamily = {
  id: ID,
  claims: ["T1", "T2", "T3"],
  rejudge: (bundle, opts) => judgeEnforcement(loadEnforcementEvidence(bundle, opts)),
  matrix: (bundle, opts) => enforcementMatrix(loadEnforcementEvidence(bundle, opts)),
};
