import type { AttackSession } from "../../attack/session.ts";
import type { LoginProof } from "../../attack/login.ts";
import { detectionMatrixFiles } from "./matrix.ts";
import { FILES, detectionSlackMs, type DetectionEvidence, type QuietWindow, type RunCatalogue } from "./judge.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { parseFalcoStream } from "../../falco/alert.ts";

export interface DetectionExtras {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  quiet?: QuietWindow;
  login?: LoginProof;
}

/**
 * Writes the detection suite's evidence (layout in harness/claims/detection/judge.ts)
 * and returns it as the judge will read it back: the alerts are re-parsed from
 * the very lines written, so the suite and `secretproof verify` judge the same input.
 */
export async function writeDetectionEvidence(w: ArtifactWriter, s: AttackSession, x: DetectionExtras): Promise<DetectionEvidence> {
  const raw = s.falco.rawLines();
  const text = raw.length ? `${raw.join("\n")}\n` : "";
  const probes = s.traffic.probes();
  await w.write(FILES.catalogue, x.catalogue);
  await w.write(FILES.rules, x.priorities);
  await w.write(FILES.pod, s.pod);
  await w.write(FILES.attempts, s.attempts.map((a) => JSON.stringify(a)).join("\n") + "\n");
  await w.write(FILES.alerts, text);
  await w.write(FILES.stream, s.falco.stats());
  await w.write(FILES.barriers, s.barriers);
  await w.write(FILES.probes, probes.map((p) => JSON.stringify(p)).join("\n") + "\n");
  if (x.quiet) await w.write(FILES.quiet, x.quiet);
  if (x.login) await w.write(FILES.login, x.login);
  const ev = sessionEvidence(s, x, text, probes);
  for (const [path, row] of detectionMatrixFiles(ev)) await w.write(path, row);
  return ev;
}

/** The detection evidence of a live session, as it would be read back from the bundle. */
export function sessionEvidence(
  s: AttackSession,
  x: DetectionExtras,
  text = s.falco.rawLines().join("\n"),
  probes = s.traffic.probes(),
): DetectionEvidence {
  const stream = parseFalcoStream(text);
  return {
    catalogue: x.catalogue,
    priorities: x.priorities,
    pod: s.pod,
    attempts: s.attempts,
    alerts: stream.alerts,
    drops: stream.internal.filter((a) => /event drop/i.test(a.rule)).length,
    probes,
    quiet: x.quiet,
    login: x.login,
    slackMs: detectionSlackMs(s.barriers),
  };
}
