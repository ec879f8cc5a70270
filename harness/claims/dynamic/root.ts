import { classifyLogin, describeLogin } from "./login.ts";
import type { LoginAttempt } from "./types.ts";
import { verdict, type Verdict } from "../verdict.ts";

export interface D4Input {
  /** The admin user with the password Postgres was bootstrapped with, after rotate-root. */
  bootstrap: LoginAttempt;
  /** The admin user with a random password: shows the path checks passwords at all. */
  wrongPassword: LoginAttempt;
  /** A live dynamic credential over the same path: shows the path lets a valid login in. */
  valid: LoginAttempt;
  /** The user Vault's connection config names (`database/config/<db>` connection_details.username). */
  rootUsername?: string;
}

const samePath = (a: LoginAttempt, b: LoginAttempt) => a.host === b.host && a.port === b.port && a.database === b.database;

/**
 * D4: after rotate-root, the bootstrap admin password no longer opens
 * Postgres over TCP. The controls make the rejection mean something: on the
 * same host, port and database a valid credential gets in and a random
 * password for the admin is turned away (so the path is not `trust`).
 */
export function judgeD4(input: D4Input, evidence: string[]): Verdict {
  const { bootstrap, wrongPassword, valid, rootUsername } = input;
  const b = classifyLogin(bootstrap);
  const w = classifyLogin(wrongPassword);
  const v = classifyLogin(valid);
  const controlReasons = [`${describeLogin(valid)}: ${v.why}`, `${describeLogin(wrongPassword)}: ${w.why}`];
  let controlOk = v.outcome === "accepted" && w.outcome === "rejected";
  if (!samePath(bootstrap, valid) || !samePath(bootstrap, wrongPassword)) {
    controlReasons.push("the attempts did not all use the same host, port and database");
    controlOk = false;
  }
  if (wrongPassword.user !== bootstrap.user) {
    controlReasons.push(`the random-password attempt used ${wrongPassword.user}, not ${bootstrap.user}`);
    controlOk = false;
  }
  const negativeControl = { verdict: controlOk ? ("pass" as const) : ("fail" as const), reasons: controlReasons };
  const reasons = [`${describeLogin(bootstrap)}: ${b.why}`];
  const extra = { subject: bootstrap.user, negativeControl };
  if (rootUsername !== undefined && rootUsername !== bootstrap.user) {
    reasons.push(`Vault rotates ${rootUsername}, but the attempt logged in as ${bootstrap.user}`);
    return verdict("D4", "inconclusive", reasons, evidence, extra);
  }
  if (w.outcome === "accepted") {
    return verdict("D4", "inconclusive", [...reasons, "a random password gets in too: this path does not check passwords"], evidence, extra);
  }
  if (b.outcome === "accepted") return verdict("D4", false, [...reasons, "the bootstrap admin password still works"], evidence, extra);
  if (b.outcome === "error" || !controlOk) return verdict("D4", "inconclusive", reasons, evidence, extra);
  return verdict("D4", true, [...reasons, "only Vault knows the admin password now"], evidence, extra);
}
