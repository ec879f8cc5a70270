import { APP, NS } from "../../clusters/names.ts";
import { toMs } from "../../clusters/duration.ts";
import { ExecError } from "../core/exec.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { portForward } from "../kube/port-forward.ts";
import { remountModelOf, type Profile } from "../profile.ts";
import { observeWindow, sampleApp } from "./samples.ts";

/**
 * How long A2 watches the app for its DB identities: the longest gap between
 * two writes of the CSI mount the profile's remount model allows (kubelet
 * resync, driver minimum and publish time: harness/app/rotation-cadence.ts),
 * so the window sees the current credential and, if the remount cadence
 * holds, the next one.
 */
export function identityWindowMs(profile: Pick<Profile, "csi">): number {
  return remountModelOf(profile).maxGapMs;
}

/**
 * The password file as the app reads it: the mount's current generation
 * behind the ..data symlink (fixtures/app/app.py generation_dir,
 * read_credentials), named by the SecretProviderClass's objectName
 * (fixtures/manifests/app.ts renderSpcObjects).
 */
export const MOUNTED_PASSWORD = `${APP.mountPath}/..data/${APP.passwordObject}`;

/**
 * Reads the live DB password from the app container, once, and registers it
 * with the redactor before returning it, so nothing written afterwards can
 * hold it. It runs while no TracingPolicy is loaded (the enforcement suite
 * loads one later); a policy left in place would kill the reader (exit 137),
 * and the error says so.
 */
export async function readMountedPassword(kube: Pick<Kubectl, "exec">, timeoutMs: number, red: Redactor = defaultRedactor): Promise<string> {
  const where = `${NS.app}/deploy/${APP.deployment} container ${APP.container}`;
  const r = await kube.exec(NS.app, `deploy/${APP.deployment}`, ["cat", MOUNTED_PASSWORD], { container: APP.container, timeoutMs, secretStdout: true }).catch((err: unknown) => {
    const killed = err instanceof ExecError && err.result.exitCode === 137 ? `: killed (137), so a TracingPolicy is enforcing in ${NS.app}` : "";
    throw new Error(`could not read ${MOUNTED_PASSWORD} in ${where}${killed}`, { cause: err });
  });
  // The app strips the file's content the same way (read_file: f.read().strip()).
  const password = r.stdout.trim();
  if (password.length === 0) throw new Error(`${r.command} printed nothing: ${MOUNTED_PASSWORD} in ${where} is empty`);
  red.register(password, "the app's mounted DB password");
  return password;
}

/** What A2 searches the cluster for: the app's credential as it was during one remount gap. */
export interface AppCredentials {
  /** The DB usernames the app reported through its Service over the window. */
  usernames: string[];
  /** The password mounted for the app, read once inside the window (already registered with the redactor). */
  password: string;
  /** When the password was read (harness clock). */
  passwordReadAt: string;
}

/**
 * The DB identities the app reports through its Service over one remount
 * gap (the current one, and the next one if a rotation lands in the window)
 * and, read at the window's first look, the password mounted for it. These
 * are the needles the A2 scan looks for. A port-forward that dies fails the
 * collection naming kubectl's exit, not as a missing identity.
 */
export async function collectAppCredentials(kube: Kubectl, profile: Profile, red: Redactor = defaultRedactor): Promise<AppCredentials> {
  const cmd = toMs(profile.waits.command);
  await using pf = await portForward(kube.context, NS.app, `svc/${APP.service}`, APP.servicePort, cmd);
  const seen = new Set<string>();
  let password: { value: string; at: string } | undefined;
  await observeWindow(
    "the app's DB identities",
    async () => {
      const s = await sampleApp(pf.url, { timeoutMs: cmd });
      if (s.status === 200 && s.identity) seen.add(s.identity);
      if (!password) {
        const at = new Date().toISOString();
        password = { value: await readMountedPassword(kube, cmd, red), at };
      }
    },
    { windowMs: identityWindowMs(profile), intervalMs: toMs(profile.dynamic.probeInterval), slackMs: cmd },
  );
  pf.assertAlive();
  if (!password) throw new Error(`the window ended before ${MOUNTED_PASSWORD} was read`);
  return { usernames: [...seen], password: password.value, passwordReadAt: password.at };
}
