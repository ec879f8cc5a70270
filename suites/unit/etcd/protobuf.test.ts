import { describe, expect, it } from "vitest";
import { ProtoError, bytesField, decodeMessage, readVarint, stringField } from "../../../harness/etcd/protobuf.ts";
import { lenField, varint, varintField } from "../../support/k8s-values.ts";

describe("protobuf wire reader", () => {
  it("reads varints of every width the encoder writes", () => {
    for (const n of [0n, 1n, 127n, 128n, 300n, 2n ** 35n, 2n ** 63n - 1n]) {
      const [v, next] = readVarint(varint(n), 0);
      expect(v).toBe(n);
      expect(next).toBe(varint(n).length);
    }
  });

  it("decodes length-delimited and varint fields in order, last occurrence wins", () => {
    const msg = Buffer.concat([lenField(1, "first"), varintField(2, 42), lenField(1, "second"), lenField(3, Buffer.from([0, 255]))]);
    const fields = decodeMessage(msg);
    expect(fields.map((f) => f.field)).toEqual([1, 2, 1, 3]);
    expect(stringField(fields, 1)).toBe("second");
    expect(fields[1]?.varint).toBe(42n);
    expect(bytesField(fields, 3)).toEqual(Buffer.from([0, 255]));
  });

  it("skips fixed32 and fixed64 fields", () => {
    const msg = Buffer.concat([Buffer.from([(4 << 3) | 5, 1, 2, 3, 4, (5 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]), lenField(1, "x")]);
    expect(stringField(decodeMessage(msg), 1)).toBe("x");
  });

  it("rejects a length that runs past the end, naming the field and offset", () => {
    const truncated = lenField(2, "0123456789").subarray(0, 6);
    expect(() => decodeMessage(truncated)).toThrow(ProtoError);
    expect(() => decodeMessage(truncated)).toThrow(/field 2 at offset 2 needs 10 bytes, 4 left/);
  });

  it("rejects a truncated varint, field number 0 and wire types 3, 4, 6, 7", () => {
    expect(() => decodeMessage(Buffer.from([0x08, 0x80]))).toThrow(/truncated or overlong varint/);
    expect(() => decodeMessage(Buffer.from([0x02, 0x00]))).toThrow(/field number 0/);
    for (const wire of [3, 4, 6, 7]) expect(() => decodeMessage(Buffer.from([(1 << 3) | wire, 0]))).toThrow(/wire type/);
  });
});
