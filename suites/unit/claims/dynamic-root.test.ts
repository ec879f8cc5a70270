import { describe, expect, it } from "vitest";
import { classifyLogin, judgeD3Revocation, judgeD4, type D4Input, type RevocationTrial } from "../../../harness/claims/dynamic/index.ts";
import { CONTROL, T0, cred, iso, login, snapshot } from "../../support/dynamic-fixtures.ts";

const EV = ["dynamic/d4-logins.json"];
const live = cred(5);

function d4(over: Partial<D4Input> = {}): D4Input {
  return {
    bootstrap: login("postgres", "bootstrap admin password", "rejected"),
    wrongPassword: login("postgres", "random wrong password", "rejected"),
    valid: login(live.username, "fresh dynamic credential", "accepted"),
    rootUsername: "postgres",
    ...over,
  };
}

describe("D4: after rotate-root the bootstrap admin password no longer opens Postgres", () => {
  it("passes when the bootstrap password is rejected while a valid credential gets in over the same path", () => {
    const v = judgeD4(d4(), EV);
    expect(v.verdict).toBe("pass");
    expect(v.negativeControl?.verdict).toBe("pass");
    expect(v.reasons[0]).toMatch(/password authentication failed for user "postgres"/);
  });

  it("fails when the bootstrap password still logs in", () => {
    expect(judgeD4(d4({ bootstrap: login("postgres", "bootstrap admin password", "accepted") }), EV).verdict).toBe("fail");
  });

  it("is inconclusive when a random password also logs in (the path trusts everyone)", () => {
    const v = judgeD4(d4({ bootstrap: login("postgres", "bootstrap admin password", "accepted"), wrongPassword: login("postgres", "random wrong password", "accepted") }), EV);
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.at(-1)).toMatch(/does not check passwords/);
    const w = judgeD4(d4({ wrongPassword: login("postgres", "random wrong password", "accepted") }), EV);
    expect(w.verdict).toBe("inconclusive");
    expect(w.negativeControl?.verdict).toBe("fail");
  });

  it("is inconclusive when even a valid credential cannot log in over that path", () => {
    const v = judgeD4(d4({ valid: login(live.username, "fresh dynamic credential", "refused") }), EV);
    expect(v.verdict).toBe("inconclusive");
    expect(v.negativeControl?.reasons[0]).toMatch(/without a password verdict: .*Connection refused/);
  });

  it("is inconclusive when the bootstrap attempt never reached a password check", () => {
    expect(judgeD4(d4({ bootstrap: login("postgres", "bootstrap admin password", "refused") }), EV).verdict).toBe("inconclusive");
    expect(judgeD4(d4({ bootstrap: login("postgres", "bootstrap admin password", "nopassword") }), EV).verdict).toBe("inconclusive");
  });

  it("is inconclusive when the attempts used different paths or the wrong admin user", () => {
    expect(judgeD4(d4({ valid: { ...login(live.username, "fresh dynamic credential", "accepted"), host: "127.0.0.1" } }), EV).verdict).toBe("inconclusive");
    expect(judgeD4(d4({ rootUsername: "vaultadmin" }), EV).verdict).toBe("inconclusive");
  });
});

function trial(over: Partial<RevocationTrial> = {}): RevocationTrial {
  const c = cred(6);
  return {
    username: c.username,
    leaseId: c.leaseId,
    before: snapshot(T0 + 95_000, [c]),
    loginBefore: login(c.username, "issued dynamic credential", "accepted", T0 + 95_500),
    revokedAt: iso(T0 + 96_000),
    after: [snapshot(T0 + 96_200, [])],
    loginAfter: login(c.username, "issued dynamic credential", "rejected", T0 + 96_500),
    ...over,
  };
}

describe("D3: revoking a lease drops its role and its login", () => {
  const EVR = ["dynamic/d3-revocation.json"];

  it("passes when the role is gone right after a sync revoke and its password is refused", () => {
    const v = judgeD3Revocation(trial(), CONTROL, EVR);
    expect(v.verdict).toBe("pass");
    expect(v.subject).toBe("explicit-revocation");
    expect(v.negativeControl?.verdict).toBe("pass");
  });

  it("fails when the role is still listed after the revocation", () => {
    const c = cred(6);
    expect(judgeD3Revocation(trial({ after: [snapshot(T0 + 96_200, [c]), snapshot(T0 + 106_200, [c])] }), CONTROL, EVR).verdict).toBe("fail");
  });

  it("fails when the revoked credential still logs in", () => {
    const c = cred(6);
    expect(judgeD3Revocation(trial({ loginAfter: login(c.username, "issued dynamic credential", "accepted") }), CONTROL, EVR).verdict).toBe("fail");
  });

  it("is inconclusive when the credential never worked before the revocation", () => {
    const c = cred(6);
    const v = judgeD3Revocation(trial({ loginBefore: login(c.username, "issued dynamic credential", "nopassword") }), CONTROL, EVR);
    expect(v.verdict).toBe("inconclusive");
    expect(v.negativeControl?.verdict).toBe("fail");
  });

  it("is inconclusive when the login after revocation could not connect", () => {
    const c = cred(6);
    expect(judgeD3Revocation(trial({ loginAfter: login(c.username, "issued dynamic credential", "refused") }), CONTROL, EVR).verdict).toBe("inconclusive");
  });

  it("is inconclusive when the control role is missing from the last snapshot", () => {
    expect(judgeD3Revocation(trial({ after: [snapshot(T0 + 96_200, [], { control: false })] }), CONTROL, EVR).verdict).toBe("inconclusive");
  });
});

describe("login classification follows what the server said", () => {
  it("tells rejected passwords from connection problems and client mistakes", () => {
    expect(classifyLogin(login("postgres", "x", "rejected")).outcome).toBe("rejected");
    expect(classifyLogin(login("postgres", "x", "refused")).outcome).toBe("error");
    expect(classifyLogin(login("postgres", "x", "nopassword")).outcome).toBe("error");
    expect(classifyLogin(login("postgres", "x", "accepted")).outcome).toBe("accepted");
    expect(classifyLogin({ ...login("postgres", "x", "accepted"), stdout: "someone_else\n" }).outcome).toBe("error");
  });
});
