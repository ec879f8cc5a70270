import { parseDocument } from "yaml";

/**
 * Values kube-apiserver stores with `--storage-media-type=application/yaml`
 * (apiserver v0.35.7 pkg/server/options/etcd.go:91-95 allows JSON, YAML and
 * protobuf; kube-apiserver defaults to protobuf, kubernetes
 * pkg/controlplane/apiserver/options/options.go NewOptions). The YAML serializer encodes
 * the object to JSON and converts it with sigs.k8s.io/yaml JSONToYAML
 * (apimachinery v0.35.7 pkg/runtime/serializer/json/json.go:226-237), which
 * unmarshals the JSON into a generic map and marshals it with go-yaml v2
 * (sigs.k8s.io/yaml v1.6.0 yaml.go:105-126); go-yaml v2 writes map keys
 * sorted, so a stored Secret reads
 * `apiVersion: v1\ndata:\n  k: <base64>\nkind: Secret\nmetadata:\n  name: …`,
 * the layout `kubectl get -o yaml` prints through the same function.
 * There is no magic prefix: the object is recognised by parsing it. The
 * reader is YAML 1.1, as go-yaml v2 is.
 */

export interface YamlHeader {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

export type YamlRead = { ok: true; header: YamlHeader; text: string } | { ok: false; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Reads a stored value as a YAML Kubernetes object: a mapping with string apiVersion and kind. Never throws. */
export function readStoredYaml(value: Buffer): YamlRead {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: "not UTF-8 text, so not YAML" };
  }
  const doc = parseDocument(text, { version: "1.1" });
  if (doc.errors.length > 0) {
    // the position only: the parser's message quotes the value, which may be a live Secret
    const at = doc.errors[0]?.linePos?.[0];
    return { ok: false, reason: `not YAML${at ? ` (YAML error at line ${at.line})` : ""}` };
  }
  let o: unknown;
  try {
    o = doc.toJS();
  } catch {
    return { ok: false, reason: "YAML that does not resolve to plain data (alias limit)" };
  }
  if (!isObj(o)) return { ok: false, reason: "YAML but not a mapping" };
  const apiVersion = str(o.apiVersion);
  const kind = str(o.kind);
  if (!apiVersion || !kind) return { ok: false, reason: "a YAML mapping without string apiVersion and kind" };
  const meta = isObj(o.metadata) ? o.metadata : {};
  return { ok: true, header: { apiVersion, kind, name: str(meta.name), namespace: str(meta.namespace) }, text };
}
