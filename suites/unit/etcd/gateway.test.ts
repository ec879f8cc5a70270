import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainTlsError, tlsPost } from "../../../harness/etcd/gateway-tls.ts";
import { GatewayReader, gatewayError, parseRangeJson, prefixEnd, RANGE_PATH, rangeBody, type GatewayPost } from "../../../harness/etcd/gateway.ts";

const ANSWERS = JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures/etcd/gateway-range.json"), "utf8")) as Record<string, string>;
const files = { endpoints: ["https://127.0.0.1:2379"], caFile: "/etc/audit/ca.crt", certFile: "/etc/audit/client.crt", keyFile: "/etc/audit/client.key" };

describe("etcd gRPC gateway JSON (real etcd 3.4.23 answers)", () => {
  it("decodes base64 keys and values byte for byte and int64 strings as numbers", () => {
    const r = parseRangeJson(ANSWERS.firstPageLimit1!);
    expect(r.more).toBe(true);
    expect(r.count).toBe(2);
    expect(r.kvs).toEqual([{ key: "/registry/secrets/ns/a", value: Buffer.from("k8s:enc:aescbc:v1:key1:0123456789abcdef0123456789abcdef"), createRevision: 2, modRevision: 2, version: 1 }]);
    expect(parseRangeJson(ANSWERS.secondPageLimit1!).kvs[0]?.value?.toString("hex")).toBe("6b3873000a0b");
  });

  it("a miss has no kvs and a count-only answer has only the count", () => {
    expect(parseRangeJson(ANSWERS.miss!)).toEqual({ kvs: [], more: false, count: 0 });
    expect(parseRangeJson(ANSWERS.countOnly!)).toEqual({ kvs: [], more: false, count: 2 });
  });

  it("refuses a body that is not a RangeResponse, bad base64 or a non-integer int64, never quoting a value", () => {
    expect(() => parseRangeJson("<html>")).toThrow(/not JSON \(6 bytes\)/);
    expect(() => parseRangeJson('{"kvs":[]}')).toThrow(/not a RangeResponse \(no header\); fields: kvs/);
    expect(() => parseRangeJson('{"header":{},"kvs":[{"key":"a*b="}]}')).toThrow(/kvs\[0\]\.key is not standard base64/);
    expect(() => parseRangeJson('{"header":{},"count":"1.5"}')).toThrow(/count is not an int64/);
  });

  it("the gateway's error body is read as its message and gRPC code", () => {
    expect(gatewayError(400, ANSWERS.badRequest!)).toBe("HTTP 400: json: cannot unmarshal number into Go value of type []uint8 (gRPC code 3)");
    expect(gatewayError(400, "CommonName of client sending a request against gateway will be ignored and not used as expected\n")).toBe(
      "HTTP 400: CommonName of client sending a request against gateway will be ignored and not used as expected",
    );
  });
});

describe("Range requests", () => {
  it("a prefix's range_end increments its last UTF-8 byte", () => {
    expect(prefixEnd("/registry/secrets/").toString()).toBe("/registry/secrets0");
    expect(prefixEnd("é").toString("hex")).toBe("c3aa");
  });

  it("the body carries bytes as base64 and the limit as an int64 string", () => {
    expect(JSON.parse(rangeBody({ key: "/registry/secrets/", rangeEnd: prefixEnd("/registry/secrets/"), limit: 500 }))).toEqual({
      key: Buffer.from("/registry/secrets/").toString("base64"),
      range_end: Buffer.from("/registry/secrets0").toString("base64"),
      limit: "500",
    });
    expect(JSON.parse(rangeBody({ key: "k", countOnly: true }))).toEqual({ key: "aw==", count_only: true });
  });

  it("values() pages through the range, each page starting after the last key read", async () => {
    const asked: string[] = [];
    const pages = [ANSWERS.firstPageLimit1!, ANSWERS.secondPageLimit1!];
    const post: GatewayPost = async (path, body) => {
      asked.push(`${path} ${Buffer.from((JSON.parse(body) as { key: string }).key, "base64").toString("latin1")}`);
      return { status: 200, text: pages[asked.length - 1] ?? ANSWERS.miss! };
    };
    const kvs = await new GatewayReader(post, "etcd gateway at test").values("/registry/secrets/", 1);
    expect(kvs.map((kv) => kv.key)).toEqual(["/registry/secrets/ns/a", "/registry/secrets/ns/b"]);
    expect(asked).toEqual([`${RANGE_PATH} /registry/secrets/`, `${RANGE_PATH} /registry/secrets/ns/a\0`]);
  });

  it("an HTTP error fails naming the request, the endpoint and the gateway's message", async () => {
    const reader = new GatewayReader(async () => ({ status: 400, text: ANSWERS.badRequest! }), "etcd gateway at https://10.0.0.10:2379");
    await expect(reader.count("/registry/secrets/")).rejects.toThrow("POST /v3/kv/range to etcd gateway at https://10.0.0.10:2379: HTTP 400: json: cannot unmarshal");
  });

  it("the TLS transport refuses any path but Range before connecting", async () => {
    const post = tlsPost("https://127.0.0.1:1", { ca: Buffer.from(""), cert: Buffer.from(""), key: Buffer.from("") }, files, { connectMs: 1000, requestMs: 1000 });
    await expect(post("/v3/kv/put", "{}")).rejects.toThrow("a read-only audit refused to send POST /v3/kv/put to etcd at https://127.0.0.1:1: only /v3/kv/range is read");
    await expect(post("/v3/kv/deleterange", "{}")).rejects.toThrow(/refused/);
  });
});

describe("TLS failures in words", () => {
  const err = (code: string, message: string) => Object.assign(new Error(message), { code });
  it("a refused client certificate names certFile and what to give", () => {
    const m = explainTlsError(err("ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", "80ACC2DD9C7F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:rec_layer_s3.c:1601:\nSSL alert number 42\n"), files);
    expect(m).toBe(
      "etcd refused the client certificate /etc/audit/client.crt (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 80ACC2DD9C7F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:rec_layer_s3.c:1601:); give target.etcd.certFile and keyFile of a client certificate signed by a CA in etcd's --trusted-ca-file",
    );
    expect(explainTlsError(err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "certificate required"), files)).toMatch(/^etcd refused the client certificate/);
  });

  it("an untrusted server certificate names caFile; other errors pass through", () => {
    expect(explainTlsError(err("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"), files)).toMatch(/^the endpoint's server certificate is not trusted by target\.etcd\.caFile \/etc\/audit\/ca\.crt/);
    expect(explainTlsError(err("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.10:2379"), files)).toBe("ECONNREFUSED: connect ECONNREFUSED 10.0.0.10:2379");
  });
});
