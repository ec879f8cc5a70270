/**
 * A Kubernetes LabelSelector (metav1.LabelSelector; Tetragon's podSelector is
 * the same shape, cilium/tetragon v1.7.0
 * pkg/k8s/apis/cilium.io/v1alpha1/tracing_policy_types.go:101-102).
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * Whether `selector` selects `labels`: every matchLabels pair and every
 * expression (In, NotIn, Exists, DoesNotExist) holds; an empty selector
 * selects everything (cilium/tetragon v1.7.0 pkg/labels/labels.go:82-88).
 * An absent one selects everything too: Tetragon widens a missing pod or
 * container selector to `{}` when the other is set, and applies no filter
 * when both are missing (pkg/sensors/k8s.go:40-81). An unknown operator
 * selects nothing. Pure.
 */
export function selectsLabels(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === "In" ? has && values.includes(value as string)
      : e.operator === "NotIn" ? !has || !values.includes(value as string)
      : e.operator === "Exists" ? has
      : e.operator === "DoesNotExist" ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}
