import { afterAll, expect, it } from "vitest";

const forever = () => new Promise<void>(() => setInterval(() => undefined, 1_000));

// runs after the cancel and never ends: only stopping the worker ends the run
afterAll(forever);

it("passes before the deadline", () => {
  expect(1).toBe(1);
});

it("hangs past the deadline", forever);

it("never starts", () => {
  throw new Error("ran after the deadline");
});
