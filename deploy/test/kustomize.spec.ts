// The renderer itself, on small fixtures: each supported feature does what kustomize does
// (compared with kubectl when it is installed), and anything outside the subset is
// refused rather than ignored.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KUBECTL, kubectlKustomize } from './kubectl';
import { applyJson6902, matchesTarget, objectId, parseImage, renderKustomization, strategicMerge, type K8sObject } from './kustomize';

const BASE = {
  'base/kustomization.yaml': 'resources:\n  - namespace.yaml\n  - web.yaml\n',
  'base/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: placeholder }\n',
  'base/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { tier: front }
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: example/web:1.0
          env:
            - { name: A, value: "1" }
            - { name: B, value: "2" }
        - name: sidecar
          image: example/sidecar
          args: ["--a"]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: conf }
data: { X: "1", Y: "2" }
`,
};

/** Overlays on BASE the renderer must accept (each is also compared with kubectl). */
const ACCEPTED: Record<string, Record<string, string>> = {
  ns: { 'kustomization.yaml': 'namespace: team\nresources: [../base]\n' },
  smp: {
    'kustomization.yaml': 'resources: [../base]\npatches:\n  - path: p1.yaml\n  - path: p2.yaml\n',
    'p1.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: conf }\ndata: { X: "9", Y: null, Z: "3" }\n',
    'p2.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 5
  template:
    spec:
      containers:
        - name: web
          env:
            - { name: B, value: "20" }
            - { name: C, value: "3" }
`,
  },
  json6902: {
    'kustomization.yaml': `resources: [../base]
patches:
  - target: { kind: Deployment, labelSelector: tier=front }
    patch: |-
      - { op: replace, path: /spec/replicas, value: 1 }
      - { op: add, path: /metadata/annotations, value: { a~b/c: x } }
  - target: { kind: Deployment, name: w.b }
    patch: |-
      - { op: replace, path: /spec/replicas, value: 7 }
      - { op: remove, path: /spec/template/spec/containers/1 }
`,
  },
  images: {
    'kustomization.yaml': `resources: [../base]
images:
  - { name: example/web, newName: registry.test/web, newTag: "2.0" }
  - { name: example/sidecar, newTag: v3 }
  - { name: example/other, newTag: ignored }
`,
  },
};

/** Overlays on BASE the renderer must refuse, with the reason it gives. */
const REFUSED: Record<string, [string, RegExp]> = {
  generator: ['resources: [../base]\nsecretGenerator:\n  - name: s\n    literals: [a=b]\n', /secretGenerator.*not supported/],
  labels: ['resources: [../base]\ncommonLabels: { a: b }\n', /commonLabels.*not supported/],
  nomatch: ['resources: [../base]\npatches:\n  - target: { kind: Deployment, name: nope }\n    patch: "- { op: remove, path: /spec }"\n', /selects no object/],
  list: [
    'resources: [../base]\npatches:\n  - patch: "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {template: {spec: {containers: [{name: sidecar, args: [--b]}]}}}}"\n',
    /"args".*not supported/,
  ],
  missing: ['resources: [../base]\npatches:\n  - target: { kind: Deployment }\n    patch: "- { op: replace, path: /spec/paused, value: true }"\n', /paused: does not exist/],
  duplicate: ['resources: [../base, ../base/web.yaml]\n', /appears twice/],
  remote: ['resources: [https://example.com/x.yaml]\n', /remote resource/],
};

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'kustomize-spec-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  for (const [file, text] of Object.entries(BASE)) write(file, text);
  for (const [name, files] of Object.entries(ACCEPTED)) for (const [file, text] of Object.entries(files)) write(`${name}/${file}`, text);
  for (const [name, [text]] of Object.entries(REFUSED)) write(`refused-${name}/kustomization.yaml`, text);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const render = (name: string) => renderKustomization(path.join(root, name));
const byKind = (objs: K8sObject[], kind: string): K8sObject => objs.find((o) => o.kind === kind)!;

describe('renderKustomization', () => {
  it('reads resources recursively, sets the namespace and renames the Namespace to it', () => {
    expect(render('ns').map(objectId)).toEqual(['Namespace//team', 'Deployment/team/web', 'ConfigMap/team/conf']);
  });

  it('applies a strategic merge patch by kind and name: maps merge, null deletes, containers and env merge by name', () => {
    const objs = render('smp');
    expect(byKind(objs, 'ConfigMap').data).toEqual({ X: '9', Z: '3' });
    const d = byKind(objs, 'Deployment');
    expect(d.spec.replicas).toBe(5);
    expect(d.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'sidecar']);
    // kustomize's order: the patch's items, then the others
    expect(d.spec.template.spec.containers[0].env).toEqual([
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
      { name: 'A', value: '1' },
    ]);
    expect(d.spec.template.spec.containers[0].image).toBe('example/web:1.0');
  });

  it('applies JSON 6902 patches to every object a label selector picks, in the listed order', () => {
    const d = byKind(render('json6902'), 'Deployment');
    expect(d.spec.replicas).toBe(7);
    expect(d.metadata.annotations).toEqual({ 'a~b/c': 'x' });
    expect(d.spec.template.spec.containers).toHaveLength(1);
  });

  it('rewrites images by name, keeping what the rule does not set', () => {
    const d = byKind(render('images'), 'Deployment');
    expect(d.spec.template.spec.containers.map((c: any) => c.image)).toEqual(['registry.test/web:2.0', 'example/sidecar:v3']);
  });

  it('refuses what it does not render: unknown fields, generators, patches that select nothing, duplicates', () => {
    for (const [name, [, reason]] of Object.entries(REFUSED)) {
      expect(() => render(`refused-${name}`)).toThrow(reason);
    }
  });

  const reference = KUBECTL ? `the same objects as ${KUBECTL} kustomize` : 'objects (kubectl is not on PATH: no comparison made)';
  it(`renders every accepted fixture to ${reference}`, () => {
    const sorted = (objs: K8sObject[]) => [...objs].sort((a, b) => objectId(a).localeCompare(objectId(b)));
    for (const name of Object.keys(ACCEPTED)) {
      const ours = render(name);
      expect(ours.length).toBe(3);
      if (KUBECTL) expect(sorted(ours)).toEqual(sorted(kubectlKustomize(path.join(root, name))));
    }
  });
});

describe('building blocks', () => {
  it('JSON 6902 add inserts into lists (index or -) and leaves the input untouched', () => {
    const doc = { a: [1, 3] };
    expect(applyJson6902(doc, [{ op: 'add', path: '/a/1', value: 2 }, { op: 'add', path: '/a/-', value: 4 }])).toEqual({ a: [1, 2, 3, 4] });
    expect(doc).toEqual({ a: [1, 3] });
    expect(() => applyJson6902(doc, [{ op: 'replace', path: '/a/2', value: 0 }])).toThrow(/out of range/);
  });

  it('strategic merge replaces scalars, copies new subtrees and merges volumeMounts by mountPath', () => {
    const merged = strategicMerge(
      { volumeMounts: [{ name: 'a', mountPath: '/a' }], x: 1 },
      { volumeMounts: [{ name: 'b', mountPath: '/a', readOnly: true }], x: 2, y: { list: [1], gone: null } },
    );
    expect(merged).toEqual({ volumeMounts: [{ name: 'b', mountPath: '/a', readOnly: true }], x: 2, y: { list: [1] } });
  });

  it('targets match names as whole regular expressions and labels as k=v terms', () => {
    const o: K8sObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gateway', labels: { a: '1', b: '2' } } };
    expect(matchesTarget(o, { name: 'gate' })).toBe(false);
    expect(matchesTarget(o, { name: 'gate.*' })).toBe(true);
    expect(matchesTarget(o, { kind: 'Service', labelSelector: 'a=1,b=2' })).toBe(true);
    expect(matchesTarget(o, { labelSelector: 'a=1, b=3' })).toBe(false);
    expect(() => matchesTarget(o, { labelSelector: 'a in (1)' })).toThrow(/not supported/);
  });

  it('parses image references the way the images transformer matches them', () => {
    expect(parseImage('nats:2.10.22-alpine')).toEqual({ name: 'nats', tag: '2.10.22-alpine' });
    expect(parseImage('registry:5000/team/app')).toEqual({ name: 'registry:5000/team/app' });
    expect(parseImage('app:1@sha256:abc')).toEqual({ name: 'app', tag: '1', digest: 'sha256:abc' });
  });
});
