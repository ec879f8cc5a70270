import { EXFIL_PROGRAM } from "./collect.ts";

/**
 * How long N1's attempt from the app pod waits on its connect, in ms: the
 * timeout its program passes to socket.create_connection. A SYN the policy
 * drops gets no answer, so the attempt runs out the whole timeout (the
 * judge also accepts a refusal, which ends it sooner): the window N1
 * spends in a run that passes. Read from the program the suite runs, so the
 * figure cannot drift from it.
 */
export function exfilConnectTimeoutMs(program: string = EXFIL_PROGRAM): number {
  const m = /create_connection\(.*?\btimeout=(\d+(?:\.\d+)?)\)/.exec(program);
  if (!m) throw new Error(`N1's exfiltration program sets no connect timeout: ${program}`);
  return Math.round(Number(m[1]) * 1000);
}
