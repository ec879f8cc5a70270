import { readFile } from "node:fs/promises";
import { type Bundle, bundleFromJSON } from "@sigstore/bundle";
import { ASN1Obj, X509Certificate } from "@sigstore/core";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, VerificationError } from "@sigstore/verify";
import { FULCIO_OIDS, type ExpectedIdentity, type IdentityField, identityProblems, type SignerIdentity } from "./identity.ts";
import { statementProblems } from "./statement.ts";
import type { LoadedTrustedRoot } from "./trusted-root.ts";

/** What `verify --attestation` found; problems make the bundle untrusted (exit 2). */
export interface ProvenanceResult {
  attestation: string;
  /** sha256 of the bundle packed (`secretproof pack`), which the attestation's subject must name. */
  packSha256: string;
  trustedRoot: string;
  expected: ExpectedIdentity;
  /** Each names the field and both values. */
  problems: string[];
}

const FIELD_OF_CODE: Record<string, string> = {
  CERTIFICATE_ERROR: "certificate",
  PUBLIC_KEY_ERROR: "key",
  SIGNATURE_ERROR: "signature",
  TIMESTAMP_ERROR: "timestamp",
};

function wholeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads a Sigstore bundle: the JSON the attest action writes (bundle-path), or a JSON-lines file holding exactly one. */
export async function readAttestation(path: string): Promise<Bundle> {
  const text = await readFile(path, "utf8").catch((err: unknown) => {
    throw new Error(`--attestation ${path} is not readable`, { cause: err });
  });
  const lines = text.split("\n").filter((l) => l.trim());
  // one bundle: the whole text (pretty-printed, e.g. through jq) or its one JSON line
  const whole = wholeJson(text);
  if (whole === undefined && lines.length !== 1) throw new Error(`--attestation ${path} holds ${lines.length} JSON lines; give a file with exactly one Sigstore bundle`);
  try {
    return bundleFromJSON(whole ?? JSON.parse(lines[0] as string));
  } catch (err) {
    throw new Error(`--attestation ${path} is not a Sigstore bundle: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const m = bundle.verificationMaterial.content;
  if (m.$case === "certificate") return X509Certificate.parse(Buffer.from(m.certificate.rawBytes));
  if (m.$case === "x509CertificateChain" && m.x509CertificateChain.certificates[0]) return X509Certificate.parse(Buffer.from(m.x509CertificateChain.certificates[0].rawBytes));
  return undefined;
}

/** A DER UTF8String's text (tag 0x0c); other bytes as they are (the deprecated raw-string extensions). */
function utf8String(der: Buffer): string {
  if (der[0] !== 0x0c) return der.toString("utf8");
  return ASN1Obj.parseBuffer(Buffer.from(der)).value.toString("utf8");
}

/** The Fulcio extensions of the certificate, each a DER UTF8String (fulcio docs/oid-info.md). */
export function signerIdentity(cert: X509Certificate): SignerIdentity {
  const out: SignerIdentity = {};
  for (const [field, oid] of Object.entries(FULCIO_OIDS) as [IdentityField, string][]) {
    const ext = cert.extension(oid);
    if (ext) out[field] = utf8String(ext.valueObj.value);
  }
  return out;
}

/** An error's message and its causes' ("Failed to verify certificate chain: certificate is not valid or expired at the specified date"). */
function causes(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err; e !== undefined && out.length < 4; e = e instanceof Error ? e.cause : undefined) out.push(e instanceof Error ? e.message : String(e));
  return out;
}

/**
 * Checks the signature with @sigstore/verify under the trusted root: the
 * certificate chains to a trusted Fulcio CA and was valid when the
 * transparency log (or timestamp authority) says the signature was made,
 * carries a trusted CT log's SCT, the log entry is included and matches, and
 * the DSSE signature verifies. The library requires one of each by default
 * (sigstore/sigstore-js packages/verify/src/verifier.ts:65-68 at 769a53d8);
 * a log or CT log the root does not list is not required (GitHub's own
 * instance signs with a timestamp authority only). Chain and validity
 * failures read "Failed to verify certificate chain" with the cause
 * (packages/verify/src/key/certificate.ts:50, 91, 137).
 */
function signatureProblem(bundle: Bundle, root: TrustedRoot): string | undefined {
  const verifier = new Verifier(toTrustMaterial(root), {
    tlogThreshold: root.tlogs.length ? 1 : 0,
    ctlogThreshold: root.ctlogs.length ? 1 : 0,
    timestampThreshold: 1,
  });
  try {
    verifier.verify(toSignedEntity(bundle));
    return undefined;
  } catch (err) {
    const code = err instanceof VerificationError ? err.code : "";
    const field = FIELD_OF_CODE[code] ?? (code.startsWith("TLOG") ? "transparency log" : "signature");
    return `attestation ${field}: ${causes(err).join(": ")}${code ? ` (${code})` : ""}`;
  }
}

/** Verifies an attestation of a bundle whose pack has sha256 `packSha256`, made by `expected`, offline. */
export async function verifyAttestation(
  path: string,
  pack: { sha256: string; dir: string },
  expected: ExpectedIdentity,
  trusted: LoadedTrustedRoot,
): Promise<ProvenanceResult> {
  const base = { attestation: path, packSha256: pack.sha256, trustedRoot: trusted.source, expected };
  const bundle = await readAttestation(path);
  const cert = leafCertificate(bundle);
  if (bundle.content.$case !== "dsseEnvelope" || !cert) {
    return { ...base, problems: ["attestation content: not a DSSE envelope signed with a Fulcio certificate, as GitHub artifact attestations are"] };
  }
  const signature = signatureProblem(bundle, trusted.root);
  if (signature) return { ...base, problems: [`${signature}; checked against ${trusted.source}`] };
  const env = bundle.content.dsseEnvelope;
  return {
    ...base,
    problems: [...statementProblems(env.payloadType, Buffer.from(env.payload), pack.sha256, pack.dir), ...identityProblems(signerIdentity(cert), expected)],
  };
}
