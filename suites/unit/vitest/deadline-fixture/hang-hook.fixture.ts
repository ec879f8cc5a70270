import { afterAll, it } from "vitest";

const forever = () => new Promise<void>(() => setInterval(() => undefined, 1_000));

afterAll(forever);

it("hangs past the deadline, and so does the hook after it", forever);
