/**
 * A deterministic POSIX ustar archive (IEEE Std 1003.1-2001 "pax" interchange
 * format, ustar header): regular files only, in the order given, each with
 * mode 0644, uid/gid 0, no user or group name and mtime 0, so that the same
 * files give the same bytes on any host. Read by GNU tar, bsdtar and busybox tar.
 */

const BLOCK = 512;

export interface TarEntry {
  /** A relative POSIX path ("a/b.json"): no leading "/", no "." or ".." segment. */
  path: string;
  data: Buffer;
}

/** Splits a path into ustar's name (<= 100 bytes) and prefix (<= 155 bytes) at a "/". */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: "" };
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`cannot pack ${JSON.stringify(path)}: a ustar archive holds paths of at most 100 bytes, or 155 + 100 split at a "/"`);
}

function checkPath(path: string): void {
  const parts = path.split("/");
  if (path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new Error(`cannot pack ${JSON.stringify(path)}: only relative paths without empty, "." or ".." segments`);
  }
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0");
}

function header(entry: TarEntry): Buffer {
  checkPath(entry.path);
  const { name, prefix } = splitPath(entry.path);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, "utf8");
  h.write(octal(0o644, 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii");
  h.write(octal(0, 8), 116, 8, "ascii");
  h.write(octal(entry.data.length, 12), 124, 12, "ascii");
  h.write(octal(0, 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii");
  h.write("0", 156, 1, "ascii");
  h.write("ustar\u000000", 257, 8, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${octal(sum, 7)}\u0000 `, 148, 8, "ascii");
  return h;
}

/** The archive of the entries, in the order given, closed by two zero blocks. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  if (entries.some((e) => e.data.length >= 8 ** 11)) throw new Error("cannot pack a file of 8 GiB or more into a ustar archive");
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e), e.data);
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
