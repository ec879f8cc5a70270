import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { findPgBindir, findPython } from "../../harness/core/locate.ts";

describe("local tier tools", () => {
  it("finds PostgreSQL server binaries that run", async () => {
    const dir = await findPgBindir();
    expect(dir).toBeDefined();
    const r = await execa(`${dir}/postgres`, ["--version"]);
    expect(r.stdout).toMatch(/PostgreSQL\) \d+/);
  });

  it("finds a python3 that imports flask and psycopg2", async () => {
    const py = await findPython();
    expect(py).toBeDefined();
    const r = await execa(py as string, ["-c", "import flask, psycopg2; print(psycopg2.__version__)"]);
    expect(r.stdout).toMatch(/^\d+\.\d+/);
  });
});
