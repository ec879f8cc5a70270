import { describe, expect, it } from "vitest";
import { readRemountFailures, remountFailureLead, remountFailures } from "../../../harness/app/csi-remount-log.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";

/**
 * `kubectl logs --timestamps` of the driver's secrets-store container: the
 * kubelet's RFC 3339 nanosecond stamp, then klog's textlogger line
 * (klog v2.120.1). The provider's error is vault-csi-provider v1.7.4's
 * "error making mount request: %w" (internal/server/server.go:61) around
 * "couldn't read secret %q: %w" (internal/provider/provider.go:116) around
 * Vault's API error, which holds newlines, so klog writes it `err=<`, a tab
 * before each line, then ` >` and the remaining values.
 */
const POD = "test-dynamic/secure-test-app-7d9c5b6f4d-x2kqp";
const MULTI_LINE = [
  '2026-12-01T10:00:31.412093311Z E1201 10:00:31.411870       1 nodeserver.go:245] "failed to mount secrets store object content" err=<',
  '2026-12-01T10:00:31.412093311Z \trpc error: code = Unknown desc = error making mount request: couldn\'t read secret "db-username": Error making API request.',
  "2026-12-01T10:00:31.412093311Z \t",
  "2026-12-01T10:00:31.412093311Z \tURL: GET http://vault.vault:8200/v1/database/creds/secure-app-dynamic",
  "2026-12-01T10:00:31.412093311Z \tCode: 500. Errors:",
  "2026-12-01T10:00:31.412093311Z \t",
  "2026-12-01T10:00:31.412093311Z \t* 1 error occurred:",
  '2026-12-01T10:00:31.412093311Z \t\t* failed to verify connection: dial tcp 10.96.14.3:5432: connect: connection refused',
  `2026-12-01T10:00:31.412093311Z  > pod="${POD}" isRemountRequest=true`,
].join("\n");
const ONE_LINE =
  '2026-12-01T10:00:45.003311702Z E1201 10:00:45.003104       1 nodeserver.go:245] "failed to mount secrets store object content" ' +
  `err="rpc error: code = DeadlineExceeded desc = context deadline exceeded" pod="${POD}" isRemountRequest=true`;
const OTHER = [
  `2026-12-01T10:00:20.100201003Z I1201 10:00:20.100002       1 nodeserver.go:361] "Using gRPC client" provider="vault" pod="secure-test-app-7d9c5b6f4d-x2kqp"`,
  `2026-12-01T10:00:20.701220102Z I1201 10:00:20.701001       1 nodeserver.go:268] "node publish volume complete" targetPath="/var/lib/kubelet/pods/1c0f/volumes/kubernetes.io~csi/secrets/mount" pod="${POD}" time="601.2ms"`,
  // A first mount's failure is returned to the kubelet, not masked; another namespace's pod is not the app.
  `2026-12-01T10:00:21.000100200Z E1201 10:00:21.000001       1 nodeserver.go:245] "failed to mount secrets store object content" err="rpc error: code = Unknown desc = x" pod="${POD}" isRemountRequest=false`,
  '2026-12-01T10:00:22.000100200Z E1201 10:00:22.000001       1 nodeserver.go:245] "failed to mount secrets store object content" err="rpc error: code = Unknown desc = y" pod="other/web-0" isRemountRequest=true',
].join("\n");

describe("masked remount failures in the CSI driver's log", () => {
  it("finds each failed remount of an app pod, with its time and the provider's multi-line error", () => {
    const found = remountFailures(`${OTHER}\n${MULTI_LINE}\n${ONE_LINE}\n`, "test-dynamic");
    expect(found).toEqual([
      {
        at: "2026-12-01T10:00:31.412093311Z",
        pod: POD,
        error:
          'rpc error: code = Unknown desc = error making mount request: couldn\'t read secret "db-username": Error making API request.\n\n' +
          "URL: GET http://vault.vault:8200/v1/database/creds/secure-app-dynamic\nCode: 500. Errors:\n\n* 1 error occurred:\n" +
          "\t* failed to verify connection: dial tcp 10.96.14.3:5432: connect: connection refused",
      },
      { at: "2026-12-01T10:00:45.003311702Z", pod: POD, error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded" },
    ]);
  });

  it("skips first-mount failures (returned to the kubelet), other namespaces' pods and every other line", () => {
    expect(remountFailures(OTHER, "test-dynamic")).toEqual([]);
    expect(remountFailures("", "test-dynamic")).toEqual([]);
  });

  it("reads klog's own time when the log carries no kubelet stamps, and Go escapes in quoted values", () => {
    const line = 'E1201 10:00:45.003104       1 nodeserver.go:245] "failed to mount secrets store object content" err="a \\"quoted\\" \\x41 \\u00e9" pod="test-dynamic/p" isRemountRequest=true';
    expect(remountFailures(line, "test-dynamic")).toEqual([{ at: "1201 10:00:45.003104", pod: "test-dynamic/p", error: 'a "quoted" A é' }]);
  });

  it("leads with the first failure, the count and the upstream behaviour that hid it", () => {
    const lead = remountFailureLead(remountFailures(`${MULTI_LINE}\n${ONE_LINE}`, "test-dynamic"));
    expect(lead).toBe(
      `the CSI driver failed to remount ${POD} at 2026-12-01T10:00:31.412093311Z: rpc error: code = Unknown desc = error making mount request: ` +
        'couldn\'t read secret "db-username": Error making API request. URL: GET http://vault.vault:8200/v1/database/creds/secure-app-dynamic Code: 500. Errors: ' +
        "* 1 error occurred: * failed to verify connection: dial tcp 10.96.14.3:5432: connect: connection refused (2 failed remounts logged, the last at 2026-12-01T10:00:45.003311702Z) " +
        "(secrets-store-csi-driver v1.6.0 pkg/secrets-store/nodeserver.go:244-249 masks remount errors and keeps the old content)",
    );
    expect(remountFailureLead([])).toBeUndefined();
  });

  it("reads the driver container's log since the window start, through the redactor, and records a failed read", async () => {
    const red = new Redactor();
    red.register("s3cr3t-token-value", "test secret");
    const calls: string[][] = [];
    const kube = { run: async (args: readonly string[]) => (calls.push([...args]), { stdout: ONE_LINE.replace("deadline exceeded", "deadline s3cr3t-token-value") }) };
    const got = await readRemountFailures(kube as never, "2026-12-01T10:00:00.000Z", red);
    expect(calls).toEqual([["-n", "kube-system", "logs", "ds/secrets-store-csi-driver", "-c", "secrets-store", "--timestamps", "--since-time=2026-12-01T10:00:00.000Z"]]);
    expect(JSON.stringify(got)).not.toContain("s3cr3t-token-value");
    expect(JSON.stringify(got)).toContain("<redacted sha256:");
    const json = { run: async () => ({ command: "kubectl logs ds/secrets-store-csi-driver", stdout: '2026-12-01T10:00:45.003311702Z {"level":"error","msg":"failed to mount secrets store object content"}\n' }) };
    expect(await readRemountFailures(json as never, "2026-12-01T10:00:00.000Z", red)).toEqual({
      unreadable: "kubectl logs ds/secrets-store-csi-driver printed 1 lines and none in klog's text format (logFormatJSON set?), so masked remount failures cannot be read from it",
    });
    const quiet = { run: async () => ({ command: "kubectl logs", stdout: "" }) };
    expect(await readRemountFailures(quiet as never, "2026-12-01T10:00:00.000Z", red)).toEqual([]);
    const failing = { run: () => Promise.reject(new Error("kubectl logs exited 1: s3cr3t-token-value")) };
    expect(await readRemountFailures(failing as never, "2026-12-01T10:00:00.000Z", red)).toEqual({ unreadable: expect.stringMatching(/^kubectl logs exited 1: <redacted sha256:/) });
  });
});
