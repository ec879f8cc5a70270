import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { versions } from "../../clusters/versions.ts";
import { loadCatalogue } from "../../harness/attack/catalogue.ts";
import { catalogueTools } from "../../harness/attack/image-tools.ts";
import { ruleNames } from "../../harness/falco/rules-file.ts";

const dockerfile = await readFile(new URL("../../fixtures/app/Dockerfile", import.meta.url), "utf8");
const requirements = await readFile(new URL("../../fixtures/app/requirements.txt", import.meta.url), "utf8");
const appPy = await readFile(new URL("../../fixtures/app/app.py", import.meta.url), "utf8");

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [op = "", ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

const ins = instructions(dockerfile);
const all = (op: string) => ins.filter((i) => i.op === op).map((i) => i.args);

describe("the app image", () => {
  it("builds FROM exactly the pinned python builder and base (tag and digest), both Debian bookworm", () => {
    expect(all("FROM")).toEqual([`${versions.images.pythonBuilder} AS uring-build`, versions.images.pythonBase]);
    const release = (ref: string) => /-(bookworm|bullseye|trixie)@/.exec(ref)?.[1];
    expect(release(versions.images.pythonBuilder)).toBe(release(versions.images.pythonBase));
    expect(versions.images.pythonBuilder.split(/[-@]/)[0]).toBe(versions.images.pythonBase.split(/[-@]/)[0]);
  });

  it("compiles the io_uring reader static in the build stage and copies only the binary into the final image", () => {
    expect(all("RUN").join("\n")).toMatch(/gcc -static [^\n]*-o \/src\/uring-read \/src\/uring-read\.c/);
    expect(all("COPY")).toContain("--from=uring-build /src/uring-read /usr/local/bin/uring-read");
  });

  it("starts the app as PID 1 with an exec-form `python app.py` and no entrypoint wrapper", () => {
    expect(all("CMD").map((c) => JSON.parse(c) as unknown)).toEqual([["python", "app.py"]]);
    expect(all("ENTRYPOINT")).toEqual([]);
  });

  it("runs as a fixed non-root UID", () => {
    const users = all("USER");
    expect(users).toHaveLength(1);
    const [uid, gid] = (users[0] ?? "").split(":").map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    expect(all("RUN").join("\n")).toMatch(new RegExp(`useradd [^\\n]*--uid ${uid} [^\\n]*appuser`));
  });

  it("does not write bytecode at runtime (read-only root filesystem)", () => {
    expect(all("ENV").join(" ")).toMatch(/PYTHONDONTWRITEBYTECODE=1/);
  });

  it("fails its own build unless every binary the catalogue runs is present, and curl/wget are absent", () => {
    const check = all("RUN").find((r) => r.includes("command -v")) ?? "";
    const listed = /for tool in ([^;]*);/.exec(check)?.[1]?.trim().split(/\s+/) ?? [];
    // python is the app's own CMD; every other tool is one the catalogue runs, and the list has no extras.
    expect(listed.sort()).toEqual([...catalogueTools(loadCatalogue(ruleNames()).attacks), "python"].sort());
    expect(check).toMatch(/for tool in curl wget;/);
    expect(all("RUN").join(" ")).not.toMatch(/apt-get install|apk add/);
  });

  it("pins every Python dependency to an exact version", () => {
    const reqs = requirements.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(reqs.length).toBeGreaterThanOrEqual(2);
    for (const r of reqs) expect(r).toMatch(/^[A-Za-z0-9._-]+==\d+(\.\d+)+$/);
    expect(reqs.map((r) => r.split("==")[0]?.toLowerCase())).toEqual(expect.arrayContaining(["flask", "psycopg2-binary"]));
  });
});

describe("the app source", () => {
  it("serves from one process: no reloader, no debug mode, threads only", () => {
    expect(appPy).toMatch(/app\.run\([^)]*debug=False[^)]*use_reloader=False[^)]*threaded=True/);
    expect(appPy).not.toMatch(/multiprocessing|os\.fork|gunicorn|processes=/);
  });

  it("reads both secret files per request from SECRETS_DIR (default /mnt/secrets), from one generation of the mount", () => {
    expect(appPy).toMatch(/SECRETS_DIR = os\.environ\.get\("SECRETS_DIR", "\/mnt\/secrets"\)/);
    expect(appPy).toMatch(/def current_identity\(\):\s+user, password = read_credentials\(\)/);
    expect(appPy).toMatch(/read_file\(base, "db-username"\), read_file\(base, "db-password"\)/);
  });

  it("never slices or formats the password into output, except behind the mutation catalogue's leak flag, which is off unless set to 1", () => {
    expect(appPy).toContain('LEAK_PASSWORD_PREFIX = os.environ.get("LEAK_PASSWORD_PREFIX", "") == "1"');
    const [flagged, ...more] = [...appPy.matchAll(/\n( +)if LEAK_PASSWORD_PREFIX:\n((?:\1 +[^\n]*\n)+)/g)];
    expect(more).toEqual([]);
    const unflagged = appPy.replace(flagged![0], "\n");
    expect(unflagged).not.toMatch(/password\s*\[/);
    expect(unflagged).not.toMatch(/%s[^\n]*%\s*\(?[^\n]*\bpassword\b/);
  });
});
