import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Redactor, redactError, redactionMarker } from "../../../harness/evidence/redact.ts";

const PASSWORD = "S-1Lq9xW3k-Zr8Tn5bYv"; // shaped like a Vault-generated Postgres password

describe("redaction layer", () => {
  it("replaces a registered secret with its hash and length", () => {
    const r = new Redactor();
    const marker = r.register(PASSWORD, "db password");
    expect(marker).toMatch(/^<redacted sha256:[0-9a-f]{16} len:20>$/);
    expect(r.redact(`login as v-app with ${PASSWORD} ok`)).toBe(`login as v-app with ${marker} ok`);
    expect(redactionMarker(PASSWORD)).toBe(marker);
  });

  it("finds it inside JSON, including JSON nested in JSON", () => {
    const r = new Redactor();
    const tricky = 'pa"ss\\wo\nrd-42';
    r.register(tricky, "tricky");
    const once = JSON.stringify({ data: { password: tricky } });
    const twice = JSON.stringify({ stdout: once });
    for (const text of [once, twice]) {
      expect(r.redact(text)).not.toContain(JSON.stringify(tricky).slice(1, -1));
      expect(r.leaks(r.redact(text))).toBe(false);
    }
    expect(JSON.parse(r.redact(once)).data.password).toMatch(/^<redacted sha256:/);
  });

  it("finds it base64-encoded at any offset inside a larger blob", () => {
    const r = new Redactor();
    r.register(PASSWORD, "db password");
    for (let prefix = 0; prefix < 6; prefix++) {
      const blob = Buffer.concat([randomBytes(prefix), Buffer.from(PASSWORD), randomBytes(7)]);
      for (const enc of [blob.toString("base64"), blob.toString("base64url")]) {
        expect(r.leaks(enc), `offset ${prefix}`).toBe(true);
        expect(r.leaks(r.redact(enc))).toBe(false);
      }
    }
  });

  it("finds it in multi-line text and in hex and URL spellings", () => {
    const r = new Redactor();
    r.register(PASSWORD, "db password");
    const text = [`user=v-x`, `password=${PASSWORD}`, `hex=${Buffer.from(PASSWORD).toString("hex")}`, `url=postgres://u:${encodeURIComponent(PASSWORD)}@h`].join("\n");
    const out = r.redact(text);
    expect(r.leaks(out)).toBe(false);
    expect(out.split("\n")).toHaveLength(4);
  });

  it("redacts a multi-line secret such as a key block", () => {
    const r = new Redactor();
    const key = "-----BEGIN KEY-----\nQUJDREVGR0hJSktMTU5PUA==\n-----END KEY-----";
    r.register(key, "key");
    expect(r.redact(`cfg:\n${key}\nend`)).not.toContain("QUJDREVGR0hJSktMTU5PUA==");
  });

  it("redacts binary secrets inside binary data without corrupting other bytes", () => {
    const r = new Redactor();
    const key = randomBytes(32);
    r.register(key, "aescbc key");
    const data = Buffer.concat([Buffer.from([0xff, 0x00, 0xfe]), Buffer.from(key.toString("base64")), Buffer.from([0x80, 0x81])]);
    const out = r.redactBytes(data);
    expect(out.includes(Buffer.from(key.toString("base64")))).toBe(false);
    expect(out.subarray(0, 3)).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    expect(out.subarray(-2)).toEqual(Buffer.from([0x80, 0x81]));
  });

  it("refuses secrets too short to redact safely, and lists labels not values", () => {
    const r = new Redactor();
    expect(() => r.register("abc", "tiny")).toThrow(/too short/);
    r.register(PASSWORD, "db password");
    expect(r.labels()).toEqual(["db password"]);
  });

  it("copies an error for printing without the secrets its message, stack, fields or causes carried", () => {
    const r = new Redactor();
    r.register(PASSWORD, "db password");
    const inner = Object.assign(new SyntaxError(`Unexpected token in "${PASSWORD}"`), { code: "E42", config: { body: { password: PASSWORD } } });
    const outer = Object.assign(new Error(`login failed for ${PASSWORD}`, { cause: inner }), { code: "28P01", connectionString: `postgres://u:${PASSWORD}@h/db` });
    const copy = redactError(outer, r);
    const printed = inspect(copy, { depth: 10 });
    expect(printed).not.toContain(PASSWORD);
    expect(copy.message).toBe(`login failed for ${redactionMarker(PASSWORD)}`);
    expect((copy as Error & { code?: string }).code).toBe("28P01");
    expect((copy.cause as Error).name).toBe("SyntaxError");
    expect((copy.cause as Error & { code?: string }).code).toBe("E42");
    expect(redactError("plain text", r).message).toBe("plain text");
    const event = { message: `socket closed (${PASSWORD})`, target: { options: { key: PASSWORD } } };
    expect(inspect(redactError(event, r), { depth: 10 })).not.toContain(PASSWORD);
    expect(redactError(event, r).message).toBe(`socket closed (${redactionMarker(PASSWORD)})`);
  });
});
