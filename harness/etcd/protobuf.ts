/**
 * Just enough of the protobuf wire format to read what kube-apiserver stores:
 * varints, length-delimited fields, and the two fixed widths (skipped).
 * Malformed input throws ProtoError with the offset; callers turn it into an
 * `inconclusive` reason, never a crash.
 */

export class ProtoError extends Error {
  override readonly name = "ProtoError";
}

export interface ProtoField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: 0 | 1 | 2 | 5;
  varint?: bigint;
  bytes?: Buffer;
}

/** Reads a varint at `pos`; returns the value and the offset after it. */
export function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i] as number;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw new ProtoError(`truncated or overlong varint at offset ${pos}`);
}

function take(buf: Buffer, pos: number, n: number, what: string): Buffer {
  if (n < 0 || pos + n > buf.length) {
    throw new ProtoError(`${what} at offset ${pos} needs ${n} bytes, ${buf.length - pos} left`);
  }
  return buf.subarray(pos, pos + n);
}

/** Decodes one message's top-level fields, in order. Throws ProtoError on malformed input. */
export function decodeMessage(buf: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new ProtoError(`field number 0 at offset ${pos}`);
    pos = afterTag;
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos);
      out.push({ field, wire, varint: v });
      pos = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos);
      const bytes = take(buf, next, Number(len), `field ${field}`);
      out.push({ field, wire, bytes });
      pos = next + bytes.length;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      out.push({ field, wire, bytes: take(buf, pos, n, `field ${field}`) });
      pos += n;
    } else {
      throw new ProtoError(`unsupported wire type ${wire} for field ${field} at offset ${pos}`);
    }
  }
  return out;
}

/** The last occurrence of a length-delimited field (protobuf's "last one wins"). */
export function bytesField(fields: ProtoField[], field: number): Buffer | undefined {
  let found: Buffer | undefined;
  for (const f of fields) if (f.field === field && f.wire === 2) found = f.bytes;
  return found;
}

export function stringField(fields: ProtoField[], field: number): string | undefined {
  return bytesField(fields, field)?.toString("utf8");
}
