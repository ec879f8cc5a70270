import type { AppProbe } from "../../attack/app-probe.ts";
import type { AttemptRecord, PodIdentity } from "../../attack/attempt.ts";
import type { MarkerTiming } from "../../attack/clock.ts";
import type { LoginProof } from "../../attack/login.ts";
import type { AttackSession } from "../../attack/session.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { eventDrops, parseFalcoStream } from "../../falco/alert.ts";
import { jsonl, type BundleView, type RejudgeOptions } from "../registry.ts";
import { detectionSlackMs, type DetectionEvidence, type QuietWindow, type RunCatalogue } from "./judge.ts";
import { LAYOUT } from "./layout.ts";
import { detectionMatrixFiles } from "./matrix.ts";

export interface DetectionExtras {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  quiet?: QuietWindow;
  login?: LoginProof;
}

/**
 * Writes the detection suite's evidence (layout.ts) and returns it as the
 * judge will read it back: the alerts are re-parsed from the very lines
 * written, so the suite and `secretproof verify` judge the same input.
 */
export async function writeDetectionEvidence(w: ArtifactWriter, s: AttackSession, x: DetectionExtras): Promise<DetectionEvidence> {
  const raw = s.falco.rawLines();
  const text = raw.length ? `${raw.join("\n")}\n` : "";
  const probes = s.traffic.probes();
  await w.write(LAYOUT.catalogue, x.catalogue);
  await w.write(LAYOUT.rules, x.priorities);
  await w.write(LAYOUT.pod, s.pod);
  await w.write(LAYOUT.attempts, s.attempts.map((a) => JSON.stringify(a)).join("\n") + "\n");
  await w.write(LAYOUT.alerts, text);
  await w.write(LAYOUT.stream, s.falco.stats());
  await w.write(LAYOUT.barriers, s.barriers);
  await w.write(LAYOUT.probes, probes.map((p) => JSON.stringify(p)).join("\n") + "\n");
  if (x.quiet) await w.write(LAYOUT.quiet, x.quiet);
  if (x.login) await w.write(LAYOUT.login, x.login);
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
    drops: eventDrops(stream.internal),
    probes,
    quiet: x.quiet,
    login: x.login,
    slackMs: detectionSlackMs(s.barriers),
  };
}

/** The catalogue and priorities a family judges with: the verifier's when given, else the bundle's. */
export function expectedOf(
  recorded: RunCatalogue,
  priorities: Record<string, string>,
  opts: RejudgeOptions = {},
): { catalogue: RunCatalogue; priorities: Record<string, string> } {
  return { catalogue: opts.expectedCatalogue?.(recorded) ?? recorded, priorities: opts.priorities ? { ...opts.priorities } : priorities };
}

/** Reads the detection evidence back from a bundle (pure: the view is already loaded); the verifier's expectations replace the recorded ones when given. */
export function loadDetectionEvidence(b: BundleView, opts?: RejudgeOptions): DetectionEvidence {
  const stream = parseFalcoStream(b.text(LAYOUT.alerts));
  return {
    ...expectedOf(b.json<RunCatalogue>(LAYOUT.catalogue), b.json<Record<string, string>>(LAYOUT.rules), opts),
    pod: b.json<PodIdentity>(LAYOUT.pod),
    attempts: jsonl<AttemptRecord>(b.text(LAYOUT.attempts)),
    alerts: stream.alerts,
    drops: eventDrops(stream.internal),
    probes: b.has(LAYOUT.probes) ? jsonl<AppProbe>(b.text(LAYOUT.probes)) : [],
    quiet: b.has(LAYOUT.quiet) ? b.json<QuietWindow>(LAYOUT.quiet) : undefined,
    login: b.has(LAYOUT.login) ? b.json<LoginProof>(LAYOUT.login) : undefined,
    slackMs: detectionSlackMs(b.has(LAYOUT.barriers) ? b.json<MarkerTiming[]>(LAYOUT.barriers) : []),
  };
}
