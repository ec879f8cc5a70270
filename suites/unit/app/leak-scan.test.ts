import { describe, expect, it } from "vitest";
import { findLeaks } from "../../../harness/app/leak-scan.ts";
import { timestampPrefix } from "../../../harness/app/secrets-volume.ts";

const password = "S-1LqZ8vTr0aBcDeFgHX";

describe("credential leak scan", () => {
  it("flags the article's leak: the first 4 characters of the password on the page", () => {
    const page = `<td>Password (first 4)</td><td>${password.slice(0, 4)}****</td>`;
    expect(findLeaks(page, password)).toEqual([{ kind: "prefix", length: 4, index: page.indexOf("S-1L") }]);
  });

  it("flags the whole password raw and base64-encoded", () => {
    expect(findLeaks(`pw=${password}`, password).map((l) => l.kind)).toContain("whole");
    const b64 = Buffer.from(`user:${password}`).toString("base64");
    expect(findLeaks(b64, password).map((l) => l.kind)).toEqual(["whole"]);
  });

  it("reports the longest leaked prefix once", () => {
    expect(findLeaks(`x${password.slice(0, 9)}y ${password.slice(0, 5)}`, password)).toEqual([
      { kind: "prefix", length: 9, index: 1 },
    ]);
  });

  it("passes text that holds no 4-character prefix", () => {
    expect(findLeaks('{"db_user": "v-kubernet-secure-a-abc-1778257154", "error": "S-1"}', password)).toEqual([]);
  });
});

describe("CSI atomic writer layout", () => {
  it("names timestamped data dirs like Go's ..2006_01_02_15_04_05. in UTC", () => {
    expect(timestampPrefix(new Date("2026-05-08T07:04:09.999Z"))).toBe("..2026_05_08_07_04_09.");
  });
});
