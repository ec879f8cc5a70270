/**
 * Tetragon reads process data from the host's /proc, which the kind node
 * mounts at /procHost. Events go to the export-stdout sidecar (chart
 * default), where the suites read them. CRDs are installed by the operator
 * (chart default); `up` waits for the TracingPolicy CRD before it finishes.
 */
export function tetragonValues(): Record<string, unknown> {
  return {
    tetragon: { hostProcPath: "/procHost" },
    export: { mode: "stdout" },
  };
}
