/**
 * Questions the checks ask of a rendered service set: which workloads and containers it
 * has, what environment a container gets, and what its NetworkPolicies let in and out.
 */
import type { K8sObject } from './kustomize';

/** Deployments and StatefulSets: everything that runs pods. */
export function workloads(objs: K8sObject[]): K8sObject[] {
  return objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

/** The one object of a kind and name; throws naming what is missing. */
export function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} is missing`);
  return o;
}

export function podLabels(w: K8sObject): Record<string, string> {
  return w.spec.template.metadata?.labels ?? {};
}

/** Containers and init containers of a workload's pod template. */
export function containersOf(w: K8sObject): any[] {
  const spec = w.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** matchLabels selection; matchExpressions are not used in deploy/ and refused here. */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  if (selector.matchExpressions?.length) throw new Error('matchExpressions are not evaluated by these checks');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The environment a container starts with: its envFrom ConfigMaps in order (later wins),
 * then `env`. A secretKeyRef becomes `secret:<name>/<key>` padded to 40 characters (the
 * Secret is never in the render), a fieldRef `field:<path>`.
 */
export function containerEnv(objs: K8sObject[], container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) throw new Error(`${container.name}: only configMapRef envFrom is expected`);
    Object.assign(env, find(objs, 'ConfigMap', from.configMapRef.name).data ?? {});
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`.padEnd(40, '.');
    else if (e.valueFrom?.fieldRef) env[e.name] = `field:${e.valueFrom.fieldRef.fieldPath}`;
    else throw new Error(`${container.name}: env ${e.name} has an unexpected source`);
  }
  return env;
}

/** One allowed flow: `peer` describes the other end, `port` is `protocol/number`. */
export interface Flow {
  peer: string;
  port: string;
}

/**
 * A NetworkPolicy peer as text: `pods{k=v}` (same namespace), `ns{k=v}` or
 * `ns{k=v} pods{k=v}`, `ipBlock <cidr>`, or `anyone` for a rule without peers.
 */
export function describePeer(peer: any): string {
  const sel = (s: any) => Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`ns{${sel(peer.namespaceSelector)}}`);
  if (peer.podSelector) parts.push(`pods{${sel(peer.podSelector)}}`);
  return parts.join(' ');
}

/**
 * Flows the NetworkPolicies allow for pods with `labels` in one direction (union of the
 * rules of every policy that selects them with that policy type). Undefined when no
 * policy of that type selects them (then Kubernetes would allow everything).
 */
export function allowedFlows(objs: K8sObject[], labels: Record<string, string>, direction: 'Ingress' | 'Egress'): Flow[] | undefined {
  const policies = objs.filter((o) => o.kind === 'NetworkPolicy' && o.spec.policyTypes?.includes(direction) && selects(o.spec.podSelector, labels));
  if (policies.length === 0) return undefined;
  const flows: Flow[] = [];
  for (const p of policies) {
    const rules = (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
    for (const rule of rules) {
      const peers: string[] = (direction === 'Ingress' ? rule.from : rule.to)?.map(describePeer) ?? ['anyone'];
      const ports: string[] = rule.ports?.map((x: any) => `${x.protocol ?? 'TCP'}/${x.port}`) ?? ['any'];
      for (const peer of peers) for (const port of ports) flows.push({ peer, port });
    }
  }
  return flows;
}

/** Flows as sorted `peer @ port` lines, for readable equality checks. */
export function flowLines(flows: Flow[] | undefined): string[] {
  return [...new Set((flows ?? []).map((f) => `${f.peer} @ ${f.port}`))].sort();
}
