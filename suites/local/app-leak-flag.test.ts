import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLeaks } from "../../harness/app/leak-scan.ts";
import { startLocalApp, type LocalApp } from "../../harness/app/local-app.ts";
import { startLocalAppStack, type LocalAppStack } from "../../harness/app/local-stack.ts";
import { findMutation, loadMutationCatalogue } from "../../harness/mutations/catalogue.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

const profile = loadProfile();
/** The env the app-leak mutation adds to the Deployment (fixtures/mutations.yaml), read from the catalogue itself. */
const leakEnv = Object.fromEntries(
  findMutation(loadMutationCatalogue(), "app-leak").change.flatMap((o) => (o.op === "append" && o.object === "app-deployment" ? [[(o.value as { name: string }).name, (o.value as { value: string }).value]] : [])),
);

let stack: LocalAppStack;
let leaky: LocalApp;

beforeAll(async () => {
  stack = await startLocalAppStack(profile);
  // its own redactor: the app's output is kept raw enough for the scan to see a prefix (a registered whole value would be masked)
  leaky = await startLocalApp({ secretsDir: stack.volume.path, db: stack.pg, profile, env: leakEnv, redactor: new Redactor() });
});

afterAll(async () => {
  await leaky?.stop();
  await stack?.stop();
});

describe("the app's leak flag (the app-leak mutation), against real PostgreSQL", () => {
  it("is what the mutation sets: LEAK_PASSWORD_PREFIX=1", () => {
    expect(leakEnv).toEqual({ LEAK_PASSWORD_PREFIX: "1" });
  });

  it("by default, no answer (JSON or HTML) and no log line holds the password or a 4+ character prefix", async () => {
    const texts = [(await stack.app.get("/", { json: true })).body, (await stack.app.get("/")).body, stack.app.output()];
    for (const t of texts) expect(findLeaks(t, stack.initial.password)).toEqual([]);
  });

  it("with the flag set, the page, the JSON answer and the log each hold the password's first four characters, as the article's page did", async () => {
    const json = await leaky.get("/", { json: true });
    expect(json.status, json.body).toBe(200);
    const html = await leaky.get("/");
    for (const t of [json.body, html.body, leaky.output()]) {
      expect(findLeaks(t, stack.initial.password)).toEqual([expect.objectContaining({ kind: "prefix", length: 4 })]);
    }
    expect((JSON.parse(json.body) as { db_user: string }).db_user).toBe(stack.initial.username);
  });
});
