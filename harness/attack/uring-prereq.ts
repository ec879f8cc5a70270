/**
 * What the io_uring reader (fixtures/app/uring-read.c) must do on the machine
 * running the local tier, from the kernel's kernel.io_uring_disabled sysctl
 * (Documentation/admin-guide/sysctl/kernel.rst, Linux 6.6+): 0 or absent,
 * io_uring is open to all; 1, only to CAP_SYS_ADMIN (or io_uring_group);
 * 2, to nobody. Either answer is asserted: a refusal must be the helper's
 * exit 3 naming io_uring_setup, the outcome the pod's seccomp profile gives.
 */
export interface UringExpectation {
  exitCode: 0 | 3;
  why: string;
}

export function uringLocalExpectation(ioUringDisabled: string | undefined, root: boolean): UringExpectation {
  const v = ioUringDisabled?.trim();
  if (v === undefined) return { exitCode: 0, why: "kernel.io_uring_disabled is absent (a kernel before 6.6): io_uring is open" };
  if (v === "0") return { exitCode: 0, why: "kernel.io_uring_disabled is 0: io_uring is open" };
  if (v === "1") {
    return root
      ? { exitCode: 0, why: "kernel.io_uring_disabled is 1 and the tier runs as root" }
      : { exitCode: 3, why: "kernel.io_uring_disabled is 1 and the tier does not run as root" };
  }
  if (v === "2") return { exitCode: 3, why: "kernel.io_uring_disabled is 2: io_uring_setup is refused" };
  throw new Error(`kernel.io_uring_disabled reads ${JSON.stringify(v)}; the kernel documents only 0, 1 and 2`);
}
