/**
 * Target forms the schema accepts but the audit does not collect from yet.
 * Each blocks the claims that would read through it, with the form to give
 * instead, so the plan grants nothing for a read that is never made (no
 * pods/exec into kube-system for an etcdctl the audit does not run, none into
 * the database's namespace for a psql it does not run).
 */
export const NOT_COLLECTED = {
  kubeadmEtcd: "target.etcd kubeadm-static-pod is not collected yet; give endpoints and client certs (for kind: secretproof target --etcd-certs DIR)",
  podDatabase: "psql in a pod is not run yet; give target.database.connection",
} as const;
