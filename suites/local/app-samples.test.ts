import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalAppStack, type LocalAppStack } from "../../harness/app/local-stack.ts";
import { sampleApp } from "../../harness/app/samples.ts";
import { identitySequence } from "../../harness/claims/dynamic/index.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/** The e2e suite's app sampler, read against the real fixture app and a real PostgreSQL. */
const profile = loadProfile();
const opts = { timeoutMs: 10_000 };
let stack: LocalAppStack;

beforeAll(async () => {
  stack = await startLocalAppStack(profile);
});

afterAll(async () => {
  await stack?.stop();
});

describe("app samples record the identity the app reports", () => {
  it("read db_user from a 200 and see a rotated credential on the next request", async () => {
    const first = await sampleApp(stack.app.url, opts);
    expect(first).toMatchObject({ status: 200 });
    expect(first.identity).toMatch(/^v-kubernet-secure-a-[0-9A-Za-z]{20}-\d{10}$/);
    const next = await stack.issue();
    await stack.mount(next);
    const second = await sampleApp(stack.app.url, opts);
    expect(second.identity).toBe(next.username);
    expect(identitySequence([first, second]).identities).toEqual([first.identity, next.username]);
  });

  it("record a refused login as a non-200 sample with the app's fixed reason and no identity", async () => {
    const c = await stack.issue();
    await stack.mount({ username: c.username, password: `${c.password}-wrong` });
    const s = await sampleApp(stack.app.url, opts);
    expect(s).toMatchObject({ status: 503, error: "database connection failed" });
    expect(s.identity).toBeUndefined();
    await stack.mount(c);
  });

  it("record an unreachable app as status 0 instead of throwing", async () => {
    const s = await sampleApp("http://127.0.0.1:1/", { timeoutMs: 2_000 });
    expect(s.status).toBe(0);
    expect(s.error).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
