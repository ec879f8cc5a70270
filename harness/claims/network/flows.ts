/**
 * Hubble flows as `hubble observe --output json` prints them: one
 * observer.GetFlowsResponse per line, `{"flow":{…},"node_name":…,"time":…}`
 * (cilium/cilium hubble/pkg/printer/printer.go WriteProtoFlow, JSONPBOutput
 * encodes the whole response; "json" selects it). Field names are flow.proto's
 * (api/v1/flow/flow.proto: time, verdict, drop_reason_desc, IP, l4, source,
 * destination with namespace, pod_name, labels "k8s:key=value", identity,
 * Type, traffic_direction); enums print as their names and zero values are
 * omitted.
 */
export interface FlowEndpoint {
  ID?: number;
  identity?: number;
  namespace?: string;
  labels?: string[];
  pod_name?: string;
}

export interface Flow {
  time?: string;
  verdict?: string;
  drop_reason_desc?: string;
  IP?: { source?: string; destination?: string; ipVersion?: string };
  l4?: { TCP?: { source_port?: number; destination_port?: number; flags?: Record<string, boolean> }; UDP?: { source_port?: number; destination_port?: number } };
  source?: FlowEndpoint;
  destination?: FlowEndpoint;
  Type?: string;
  node_name?: string;
  traffic_direction?: string;
  is_reply?: boolean;
}

export interface ParsedFlows {
  flows: Flow[];
  /** Lines that are not a GetFlowsResponse with a flow: line number and why. */
  malformed: string[];
}

/** Parses the CLI's output; blank lines are skipped, anything else that is not a flow is named, never dropped silently. */
export function parseHubbleFlows(text: string): ParsedFlows {
  const flows: Flow[] = [];
  const malformed: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      malformed.push(`line ${i + 1}: not JSON`);
      return;
    }
    const flow = (doc as { flow?: unknown } | null)?.flow;
    if (flow && typeof flow === "object") flows.push(flow as Flow);
    else malformed.push(`line ${i + 1}: no "flow" object (a node status or other event)`);
  });
  return { flows, malformed };
}

/** The TCP destination port of a flow, when it has one. */
export function tcpDestinationPort(f: Flow): number | undefined {
  return f.l4?.TCP?.destination_port;
}

/** Short, stable description of a flow for reasons. */
export function describeFlow(f: Flow): string {
  const ep = (e?: FlowEndpoint, ip?: string) => (e?.pod_name ? `${e.namespace ?? "?"}/${e.pod_name}` : (ip ?? "?"));
  const port = tcpDestinationPort(f);
  return `${f.time ?? "?"} ${f.verdict ?? "?"}${f.drop_reason_desc ? ` (${f.drop_reason_desc})` : ""} ${ep(f.source, f.IP?.source)} -> ${ep(f.destination, f.IP?.destination)}${port ? `:${port}` : ""}`;
}
