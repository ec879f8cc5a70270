import { versions } from "../../clusters/versions.ts";

/** The platforms `secretproof tools install` knows how to name; each needs its own pinned sha256. */
export const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64"] as const;
export type Platform = (typeof PLATFORMS)[number];

export type ToolName = "kind" | "kubectl" | "helm";

/** One pinned CLI for one platform: where to get it and what its bytes must hash to. */
export interface ToolDownload {
  name: ToolName;
  version: string;
  platform: Platform;
  url: string;
  /** sha256 of the downloaded file (the binary, or helm's tar.gz). */
  sha256: string;
  /** For an archive: the member path of the binary inside the tar.gz. */
  archiveMember?: string;
}

const GOARCH: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

/** Node's platform/arch in the os-arch form upstream release assets use (linux-amd64), or undefined when unknown. */
export function platformOf(platform: string, arch: string): Platform | undefined {
  const p = `${platform}-${GOARCH[arch] ?? arch}`;
  return (PLATFORMS as readonly string[]).includes(p) ? (p as Platform) : undefined;
}

/** `linux-amd64` → `LinuxAmd64`, the suffix of the sha256 keys in clusters/versions.ts. */
function keySuffix(p: Platform): string {
  return p.split("-").map((s) => s[0]!.toUpperCase() + s.slice(1)).join("");
}

interface Spec {
  name: ToolName;
  version: string;
  /** Path of the pin inside `versions`, without the platform suffix (e.g. "kind.cliSha256"). */
  pinKey: string;
  pins: Readonly<Record<string, string>>;
  url(version: string, os: string, arch: string): string;
  /** Where upstream publishes the sha256 of that download. */
  publishedSha256(url: string): string;
  archiveMember?(os: string, arch: string): string;
}

// Download locations as kind's quick start (kind.sigs.k8s.io/docs/user/quick-start/#installing-from-release-binaries),
// the Kubernetes docs (kubernetes.io/docs/tasks/tools/install-kubectl-linux/) and helm's release notes give them.
const SPECS: readonly Spec[] = [
  {
    name: "kind",
    version: versions.kind.cli,
    pinKey: "kind.cliSha256",
    pins: versions.kind,
    url: (v, os, arch) => `https://github.com/kubernetes-sigs/kind/releases/download/${v}/kind-${os}-${arch}`,
    publishedSha256: (url) => `${url}.sha256sum`,
  },
  {
    name: "kubectl",
    version: versions.kubectl.cli,
    pinKey: "kubectl.sha256",
    pins: versions.kubectl,
    url: (v, os, arch) => `https://dl.k8s.io/release/${v}/bin/${os}/${arch}/kubectl`,
    publishedSha256: (url) => `${url}.sha256`,
  },
  {
    name: "helm",
    version: versions.helm.cli,
    pinKey: "helm.sha256",
    pins: versions.helm,
    url: (v, os, arch) => `https://get.helm.sh/helm-${v}-${os}-${arch}.tar.gz`,
    publishedSha256: (url) => `${url}.sha256sum`,
    archiveMember: (os, arch) => `${os}-${arch}/helm`,
  },
];

/** Thrown when this machine's platform has no download or no pinned sha256; says what to add. */
export class UnpinnedPlatformError extends Error {
  override readonly name = "UnpinnedPlatformError";
}

/**
 * The three pinned CLIs for `platform`. Throws naming the platform when it is
 * not one the upstream releases ship, or when clusters/versions.ts holds no
 * sha256 for it, with the key to add and where upstream publishes the value.
 * Nothing is ever downloaded unverified.
 */
export function pinnedTools(platform: string): ToolDownload[] {
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new UnpinnedPlatformError(
      `no pinned kind, kubectl and helm for platform ${platform}: secretproof tools install knows ${PLATFORMS.join(", ")}`,
    );
  }
  const p = platform as Platform;
  const [os = "", arch = ""] = p.split("-");
  const missing: string[] = [];
  const out: ToolDownload[] = [];
  for (const s of SPECS) {
    const url = s.url(s.version, os, arch);
    const key = `${s.pinKey}${keySuffix(p)}`;
    const sha256 = s.pins[key.slice(key.indexOf(".") + 1)];
    if (!sha256) {
      missing.push(`${s.name} ${s.version}: add ${key} to clusters/versions.ts, the value published at ${s.publishedSha256(url)}`);
      continue;
    }
    out.push({ name: s.name, version: s.version, platform: p, url, sha256, ...(s.archiveMember ? { archiveMember: s.archiveMember(os, arch) } : {}) });
  }
  if (missing.length) {
    throw new UnpinnedPlatformError(`no pinned sha256 for ${p}, so nothing was downloaded:\n  ${missing.join("\n  ")}`);
  }
  return out;
}
