/**
 * Finds a credential, or any telling part of it, in text the app returned.
 * The source article's page printed the first 4 characters of the password;
 * this scan treats every prefix of 4 or more characters as a leak, and the
 * whole value in any spelling the redaction layer knows (raw, JSON, URL,
 * hex, base64).
 */
import { secretSpellings } from "../evidence/redact.ts";

export const MIN_LEAK_PREFIX = 4;

export interface Leak {
  kind: "whole" | "prefix";
  /** Characters of the secret that leaked (for prefixes), never the characters themselves. */
  length: number;
  /** Where in the text, for locating it. */
  index: number;
}

/** Every leak of `secret` in `text`; an empty list means none. */
export function findLeaks(text: string, secret: string, minPrefix = MIN_LEAK_PREFIX): Leak[] {
  const leaks: Leak[] = [];
  for (const spelling of secretSpellings(Buffer.from(secret, "utf8"))) {
    const index = text.indexOf(spelling);
    if (index >= 0) leaks.push({ kind: "whole", length: secret.length, index });
  }
  for (let len = secret.length - 1; len >= minPrefix; len--) {
    const index = text.indexOf(secret.slice(0, len));
    if (index >= 0) {
      leaks.push({ kind: "prefix", length: len, index });
      break;
    }
  }
  return leaks;
}
