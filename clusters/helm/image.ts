/** Splits "repo/name:tag" (optionally "@sha256:…") into the chart-style image fields. */
export function splitImage(ref: string): { repository: string; tag: string } {
  const m = /^([^@]+?):([\w][\w.-]{0,127})(@sha256:[0-9a-f]{64})?$/.exec(ref);
  if (!m) throw new Error(`image reference ${JSON.stringify(ref)} has no tag`);
  return { repository: m[1] as string, tag: `${m[2] as string}${m[3] ?? ""}` };
}
