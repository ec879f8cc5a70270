/** One pod of the workload as the audit samples it around the enforcing phase. */
export interface ReplicaState {
  name: string;
  uid: string;
  restartCount: number;
}

/** Every pod of the workload before and after the phase (an audit: a workload of several replicas, one of them attacked). */
export interface ReplicaSamples {
  before: ReplicaState[];
  after?: ReplicaState[];
}

/**
 * What happened to the workload's other pods during the phase: a pod gone,
 * replaced (another uid under its name) or restarted is a problem; a pod
 * added meanwhile is not (nothing was harmed). Pure.
 */
export function replicaProblems(r: ReplicaSamples | undefined): string[] {
  if (!r) return [];
  if (!r.after) return ["the workload's pods were not observed after the phase"];
  const problems: string[] = [];
  for (const b of r.before) {
    const a = r.after.find((x) => x.name === b.name);
    if (!a) problems.push(`workload pod ${b.name} is gone after the phase`);
    else if (a.uid !== b.uid) problems.push(`workload pod ${b.name} was replaced during the phase (uid ${b.uid} -> ${a.uid})`);
    else if (a.restartCount !== b.restartCount) problems.push(`workload pod ${b.name} restarted during the phase (restartCount ${b.restartCount} -> ${a.restartCount})`);
  }
  return problems;
}

/** The fact stated when no pod changed. Pure. */
export function replicaFact(r: ReplicaSamples | undefined): string | undefined {
  return r?.after ? `every workload pod (${r.before.map((p) => p.name).join(", ")}) kept its uid and restartCount` : undefined;
}
