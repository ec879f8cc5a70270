import type { AttackSession } from "../attack/session.ts";
import type { TetragonCollector } from "../tetragon/collector.ts";

/** Tetragon's event stream as the phase uses it: a marker stream whose raw lines and counts are recorded. */
export type EnforcementStream = Pick<TetragonCollector, "name" | "waitForMarker" | "rawLines" | "stats" | "stop">;

/** The attack session calls the enforcement phase makes (an AttackSession; a recorded stand-in in tests). */
export type EnforcementSession = Pick<
  AttackSession,
  "pod" | "env" | "deps" | "attempts" | "barriers" | "streams" | "falco" | "traffic" | "probed" | "forward" | "attempt" | "attack" | "mark" | "barrier" | "awaitMarkers" | "recheck" | "assertClock" | "resolve" | "close"
>;
