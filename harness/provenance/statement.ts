/**
 * The in-toto statement an attestation signs. actions/attest-build-provenance
 * signs a DSSE envelope of payloadType application/vnd.in-toto+json holding
 * an in-toto Statement v1 with predicateType https://slsa.dev/provenance/v1
 * and one subject per file, each with its sha256 (in-toto/attestation
 * spec/v1/statement.md; actions/attest v4.1.0 src/provenance.ts).
 */
export const INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

interface Subject {
  name?: unknown;
  digest?: Record<string, unknown>;
}
interface Statement {
  _type?: unknown;
  predicateType?: unknown;
  subject?: Subject[];
}

function parseStatement(payload: Buffer): Statement | string {
  try {
    const s = JSON.parse(payload.toString("utf8")) as Statement;
    return s !== null && typeof s === "object" ? s : "attestation statement: the payload is not a JSON object";
  } catch {
    return "attestation statement: the payload is not JSON";
  }
}

/**
 * What is wrong with the statement for a pack whose sha256 is `digest`: its
 * type, its predicate type, or no subject with that digest (naming the
 * subjects it has, and what was packed).
 */
export function statementProblems(payloadType: string, payload: Buffer, digest: string, packed: string): string[] {
  if (payloadType !== INTOTO_PAYLOAD_TYPE) return [`attestation payload type: the envelope holds ${JSON.stringify(payloadType)}, expected ${JSON.stringify(INTOTO_PAYLOAD_TYPE)}`];
  const s = parseStatement(payload);
  if (typeof s === "string") return [s];
  const out: string[] = [];
  if (s._type !== STATEMENT_TYPE) out.push(`attestation statement type: ${JSON.stringify(s._type ?? "nothing")}, expected ${JSON.stringify(STATEMENT_TYPE)}`);
  if (s.predicateType !== SLSA_PROVENANCE_V1) out.push(`attestation predicate type: ${JSON.stringify(s.predicateType ?? "nothing")}, expected ${JSON.stringify(SLSA_PROVENANCE_V1)}`);
  const subjects = Array.isArray(s.subject) ? s.subject : [];
  if (!subjects.some((x) => x?.digest?.sha256 === digest)) {
    const listed = subjects.map((x) => `${String(x?.name)} sha256 ${String(x?.digest?.sha256)}`).join(", ") || "none";
    out.push(`attestation subject: no subject has sha256 ${digest}, the digest of ${packed} packed (its subjects: ${listed})`);
  }
  return out;
}
