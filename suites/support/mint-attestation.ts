/**
 * Mints GitHub-style artifact attestations under a test Sigstore instance:
 * a Fulcio-like CA with a CT log, a Rekor-like transparency log (both from
 * @sigstore/mock, sigstore's own test doubles), and a trusted root listing
 * them. The attestation is what actions/attest-build-provenance writes: a
 * Sigstore bundle v0.3 holding a DSSE envelope of an in-toto statement with
 * an SLSA provenance v1 predicate, a certificate with GitHub's Fulcio
 * extensions, and a dsse v0.0.1 log entry with its signed entry timestamp
 * and inclusion proof.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { initializeCA, initializeCTLog, initializeTLog } from "@sigstore/mock";
import { FULCIO_OIDS, GITHUB_ACTIONS_ISSUER } from "../../harness/provenance/identity.ts";

const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64");

/** A Rekor v1 log entry as the mock log returns it (rekor openapi.yaml LogEntry). */
interface LoggedEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: { signedEntryTimestamp: string; inclusionProof: { logIndex: number; rootHash: string; treeSize: number; hashes: string[]; checkpoint: string } };
}
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest();
const keyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

/** What the certificate says about who signed, as GitHub's OIDC token gives it. */
export interface MintIdentity {
  repository: string;
  /** the workflow file whose job signs, e.g. .github/workflows/e2e-kind.yml */
  workflow: string;
  ref: string;
  commit: string;
}

export interface TestInstance {
  /** The trusted root naming this instance's CA, CT log and transparency log (JSON text). */
  trustedRoot: string;
  mint(subjectSha256: string, identity: MintIdentity, opts?: { signedAt?: Date }): Promise<string>;
}

const keyJson = (spki: Buffer, start: Date) => ({ rawBytes: b64(spki), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start: start.toISOString() } });

function statement(subjectSha256: string, id: MintIdentity): Buffer {
  return Buffer.from(JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "evidence.tar", digest: { sha256: subjectSha256 } }],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {
      buildDefinition: {
        buildType: "https://actions.github.io/buildtypes/workflow/v1",
        externalParameters: { workflow: { ref: id.ref, repository: `https://github.com/${id.repository}`, path: id.workflow } },
        resolvedDependencies: [{ uri: `git+https://github.com/${id.repository}@${id.ref}`, digest: { gitCommit: id.commit } }],
      },
      runDetails: { builder: { id: "https://github.com/actions/runner/github-hosted" }, metadata: { invocationId: "https://github.com/x/y/actions/runs/1/attempts/1" } },
    },
  }));
}

const pae = (type: string, payload: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);

function extensions(id: MintIdentity): { oid: string; value: string }[] {
  return [
    { oid: FULCIO_OIDS.issuer, value: GITHUB_ACTIONS_ISSUER },
    { oid: FULCIO_OIDS.workflow, value: `https://github.com/${id.repository}/${id.workflow}@${id.ref}` },
    { oid: FULCIO_OIDS.repository, value: `https://github.com/${id.repository}` },
    { oid: FULCIO_OIDS.commit, value: id.commit },
    { oid: FULCIO_OIDS.ref, value: id.ref },
  ];
}

/** A test instance whose CA issues certificates valid for 10 minutes from `issuedAt` (Fulcio's lifetime). */
export async function testInstance(opts: { issuedAt?: Date; trustOtherCa?: boolean } = {}): Promise<TestInstance> {
  const issuedAt = opts.issuedAt ?? new Date();
  const start = new Date(issuedAt.getTime() - 3600_000);
  const ctKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys, issuedAt);
  const ca = await initializeCA(keyPair(), ctLog, issuedAt);
  const trusted = opts.trustOtherCa ? await initializeCA(keyPair(), ctLog, issuedAt) : ca;
  const tlogKeys = keyPair();
  const tlogSpki = tlogKeys.publicKey.export({ format: "der", type: "spki" });
  const root = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [{ baseUrl: "https://rekor.test", hashAlgorithm: "SHA2_256", publicKey: keyJson(tlogSpki, start), logId: { keyId: b64(sha(tlogSpki)) } }],
    certificateAuthorities: [{ subject: { organization: "sigstore.mock", commonName: "sigstore" }, uri: "https://fulcio.test", certChain: { certificates: [{ rawBytes: b64(bytes(trusted.rootCertificate)) }] }, validFor: { start: start.toISOString() } }],
    ctlogs: [{ baseUrl: "https://ctfe.test", hashAlgorithm: "SHA2_256", publicKey: keyJson(ctLog.publicKey, start), logId: { keyId: b64(bytes(ctLog.logID)) } }],
    timestampAuthorities: [],
  };
  return {
    trustedRoot: JSON.stringify(root),
    async mint(subjectSha256, id, m = {}) {
      const signer = keyPair();
      const san = `https://github.com/${id.repository}/${id.workflow}@${id.ref}`;
      const cert = bytes(await ca.issueCertificate({ publicKey: signer.publicKey.export({ format: "der", type: "spki" }), subjectAltName: san, extensions: extensions(id) }));
      const payloadType = "application/vnd.in-toto+json";
      const payload = statement(subjectSha256, id);
      const sig = sign("sha256", pae(payloadType, payload), signer.privateKey);
      const envelope = { payload: b64(payload), payloadType, signatures: [{ sig: b64(sig), keyid: "" }] };
      const tlog = await initializeTLog("https://rekor.test", tlogKeys, m.signedAt ?? issuedAt);
      const pem = `-----BEGIN CERTIFICATE-----\n${b64(cert)}\n-----END CERTIFICATE-----\n`;
      const body = {
        apiVersion: "0.0.1",
        kind: "dsse",
        spec: {
          envelopeHash: { algorithm: "sha256", value: sha(JSON.stringify(envelope)).toString("hex") },
          payloadHash: { algorithm: "sha256", value: sha(payload).toString("hex") },
          signatures: [{ signature: b64(sig), verifier: b64(pem) }],
        },
      };
      const logged = Object.values(await tlog.log(body))[0] as LoggedEntry;
      const proof = logged.verification.inclusionProof;
      const entry = {
        logIndex: String(logged.logIndex),
        logId: { keyId: b64(Buffer.from(logged.logID, "hex")) },
        kindVersion: { kind: "dsse", version: "0.0.1" },
        integratedTime: String(logged.integratedTime),
        inclusionPromise: { signedEntryTimestamp: logged.verification.signedEntryTimestamp },
        inclusionProof: { logIndex: String(proof.logIndex), rootHash: b64(Buffer.from(proof.rootHash, "hex")), treeSize: String(proof.treeSize), hashes: proof.hashes, checkpoint: { envelope: proof.checkpoint } },
        canonicalizedBody: logged.body,
      };
      return `${JSON.stringify({
        mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
        verificationMaterial: { certificate: { rawBytes: b64(cert) }, tlogEntries: [entry], timestampVerificationData: { rfc3161Timestamps: [] } },
        dsseEnvelope: envelope,
      })}\n`;
    },
  };
}
