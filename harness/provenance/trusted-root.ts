import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { sha256Hex } from "../evidence/manifest.ts";

/** The public-good Sigstore instance's TUF mirror, the key its seed is stored under. */
const PUBLIC_GOOD_MIRROR = "https://tuf-repo-cdn.sigstore.dev";

/** Trust material for verifying attestations offline, and where it came from. */
export interface LoadedTrustedRoot {
  root: TrustedRoot;
  /** e.g. "the public-good Sigstore trusted root shipped with @sigstore/tuf 5.0.1 (sha256 …)". */
  source: string;
}

/** One TrustedRoot from several (`gh attestation trusted-root` prints one JSON line per instance). */
function merge(roots: TrustedRoot[]): TrustedRoot {
  const [first] = roots;
  if (!first) throw new Error("no trusted root");
  return {
    ...first,
    tlogs: roots.flatMap((r) => r.tlogs),
    certificateAuthorities: roots.flatMap((r) => r.certificateAuthorities),
    ctlogs: roots.flatMap((r) => r.ctlogs),
    timestampAuthorities: roots.flatMap((r) => r.timestampAuthorities),
  };
}

/** Parses a Sigstore TrustedRoot JSON document, or JSON lines of them, naming the file and line that is not one. */
export function parseTrustedRoot(text: string, where: string): TrustedRoot {
  const lines = text.trim().startsWith("{") && text.trim().includes("\n{") ? text.split("\n").filter((l) => l.trim()) : [text];
  const roots = lines.map((line, i) => {
    const at = lines.length > 1 ? `${where} line ${i + 1}` : where;
    let json: { mediaType?: unknown };
    try {
      json = JSON.parse(line) as { mediaType?: unknown };
    } catch (err) {
      throw new Error(`${at} is not JSON: not a Sigstore trusted root`, { cause: err });
    }
    if (typeof json?.mediaType !== "string" || !json.mediaType.startsWith("application/vnd.dev.sigstore.trustedroot")) {
      throw new Error(`${at} has mediaType ${JSON.stringify(json?.mediaType)}, not application/vnd.dev.sigstore.trustedroot+json: not a Sigstore trusted root`);
    }
    return TrustedRoot.fromJSON(json);
  });
  return merge(roots);
}

/**
 * The public-good Sigstore trusted root (Fulcio CAs, Rekor and CT log keys,
 * the timestamp authority) as @sigstore/tuf ships it: its seeds.json holds
 * the TUF root and the trusted_root.json target for the public-good mirror,
 * which it copies into its cache before any update (sigstore/sigstore-js
 * packages/tuf/src/client.ts:110-150 at 769a53d8, seedCache; the published
 * 5.0.1 dist/client.js does the same). Its client cannot refresh offline
 * (tuf-js fetches timestamp.json), so the seeded target is read directly.
 * The package's version and integrity are pinned in package-lock.json, so
 * this is exactly the root that version shipped: a key rotated since needs
 * `--trusted-root`.
 */
export function publicGoodTrustedRoot(): LoadedTrustedRoot {
  const require = createRequire(import.meta.url);
  const seedsPath = require.resolve("@sigstore/tuf/seeds.json");
  const version = (require("@sigstore/tuf/package.json") as { version: string }).version;
  const seeds = JSON.parse(readFileSync(seedsPath, "utf8")) as Record<string, { targets?: Record<string, string> }>;
  const encoded = seeds[PUBLIC_GOOD_MIRROR]?.targets?.["trusted_root.json"];
  if (!encoded) throw new Error(`${seedsPath} holds no trusted_root.json for ${PUBLIC_GOOD_MIRROR}: pass --trusted-root FILE`);
  const text = Buffer.from(encoded, "base64").toString("utf8");
  const digest = sha256Hex(text).slice(0, 12);
  return { root: parseTrustedRoot(text, `${seedsPath} trusted_root.json`), source: `the public-good Sigstore trusted root shipped with @sigstore/tuf ${version} (sha256 ${digest}…)` };
}

/** The trusted root in a file (`--trusted-root FILE`): a TrustedRoot JSON, or the JSON lines `gh attestation trusted-root` prints. */
export function trustedRootFile(path: string): LoadedTrustedRoot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`--trusted-root ${path} is not readable`, { cause: err });
  }
  return { root: parseTrustedRoot(text, path), source: `the trusted root in ${path} (sha256 ${sha256Hex(text).slice(0, 12)}…)` };
}
