import { auditSection } from "./audit.ts";
import { blindSpotsSection } from "./blind-spots.ts";
import { claimsSection } from "./claims.ts";
import { criticalPathSection } from "./critical-path.ts";
import { matrixSection } from "./matrix.ts";
import { memorySection } from "./memory.ts";
import type { ReportSection } from "./section.ts";
import { environmentSection, profileSection, timingsSection, versionsSection } from "./tables.ts";
import { timelineSection } from "./timeline.ts";

/**
 * The report's sections after the first screen (header.ts), in page order.
 * `open`: shown expanded; the others start collapsed and print expanded.
 */
export const SECTIONS: readonly (ReportSection & { open?: boolean })[] = [
  { ...claimsSection, open: true },
  { ...auditSection, open: true },
  { ...matrixSection, open: true },
  { ...timelineSection, open: true },
  { ...blindSpotsSection, open: true },
  timingsSection,
  criticalPathSection,
  memorySection,
  versionsSection,
  profileSection,
  environmentSection,
];
