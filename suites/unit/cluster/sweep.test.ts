import { describe, expect, it } from "vitest";
import { sweepCommands } from "../../../harness/cluster/run/sweep.ts";
import { managedLabels } from "../../../clusters/names.ts";
import { configMapObject, namespaceObject, secretObject } from "../../../harness/etcd/canary.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";
import { versions } from "../../../clusters/versions.ts";

/** Whether a kubectl equality selector ("k=v,k2" — a bare key means "has the label") matches labels. */
function matches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(",").every((term) => {
    const [k = "", v] = term.split("=");
    return v === undefined ? k in labels : labels[k] === v;
  });
}

const labelsOf = (o: object) => (o as { metadata: { labels: Record<string, string> } }).metadata.labels;
const selectorOf = (args: string[]) => args[args.indexOf("-l") + 1] as string;

describe("the sweep of an earlier run's leftovers", () => {
  const [perRun = [], policy = []] = sweepCommands();

  it("finds every object a suite plants for one run", () => {
    for (const o of [namespaceObject("secretproof-a1", "r1"), secretObject("ns", "s", "r1", { v: "x" }), configMapObject("ns", "c", "r1", { v: "x" })]) {
      expect(matches(selectorOf(perRun), labelsOf(o))).toBe(true);
    }
  });

  it("leaves the objects `up` creates alone, since they carry no run id", () => {
    expect(matches(selectorOf(perRun), managedLabels())).toBe(false);
    expect(matches(selectorOf(perRun), renderAppDeployment(versions.images.app).metadata?.labels ?? {})).toBe(false);
  });

  it("removes a Tetragon policy left enforcing, which would turn phase 1's reads into kills", () => {
    expect(policy.slice(0, 2)).toEqual(["delete", "tracingpoliciesnamespaced.cilium.io"]);
    expect(matches(selectorOf(policy), loadPolicy().metadata.labels ?? {})).toBe(true);
  });
});
