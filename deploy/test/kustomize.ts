/**
 * A small kustomize renderer, enough for the checks on deploy/ when kubectl is not
 * installed. It supports exactly the subset deploy/ uses and throws on anything else, so
 * it can never silently render something kustomize would not:
 *
 * - kustomization fields `resources` (files and directories, recursively), `namespace`,
 *   `images` (`name`, `newName`, `newTag`, `digest`) and `patches`;
 * - `patches` entries with `path` or inline `patch`, optionally a `target` (`kind`,
 *   `name` as a regular expression, `namespace`, `labelSelector` with `k=v` terms);
 *   a patch that parses to a list is JSON 6902 (`add`, `replace`, `remove`), anything
 *   else a strategic merge patch: maps merge, `null` deletes, lists merge by key only
 *   for `containers`/`initContainers`/`env`/`volumes` (by `name`) and `volumeMounts`
 *   (by `mountPath`); any other list present in both the object and the patch is refused
 *   (a list the object lacks is simply added). Merged lists come out in kustomize's order:
 *   the patch's items first, then the object's other items.
 *
 * Order, as kustomize's built-in transformers: resources, then patches (in the listed
 * order), then namespace (a Namespace object is renamed to it), then images.
 * A patch that selects nothing is an error here (stricter than kustomize).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object (loosely typed: the checks validate it with kubernetes-models). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** Target of a patch, as in kustomize's `patches[].target`. */
export interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: ImageRule[];
  patches?: Array<{ path?: string; patch?: string; target?: PatchTarget }>;
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

type JsonOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
const PATCH_FIELDS = new Set(['path', 'patch', 'target']);
const TARGET_FIELDS = new Set(['kind', 'name', 'namespace', 'labelSelector']);
const IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest']);
/** Kinds kustomize leaves without a namespace (the ones a service set could contain). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'IngressClass', 'PriorityClass', 'CustomResourceDefinition']);
/** Strategic-merge keys of the lists this renderer merges (from the Kubernetes API types). */
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath' };
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** `Kind/namespace/name`: what kustomize (and `kubectl apply`) consider the same object. */
export function objectId(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Every non-empty YAML document of a text, as plain values; a syntax error throws naming the source. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The kustomization file of a directory, or undefined when it has none. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_NAMES.map((n) => path.join(dir, n)).find((f) => existsSync(f));
}

/** Renders the kustomization in `dir` as `kubectl kustomize dir` would (for the subset above). */
export function renderKustomization(dir: string): K8sObject[] {
  const file = kustomizationFile(dir);
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const [k] = parseYamlDocuments(readFileSync(file, 'utf8'), file) as [Kustomization & Record<string, unknown>];
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) throw new Error(`${file}: field "${field}" is not supported by this renderer`);
  }

  let objects: K8sObject[] = [];
  for (const res of k.resources ?? []) {
    if (/^[a-z]+:\/\//i.test(res)) throw new Error(`${file}: remote resource ${res} is not supported`);
    const p = path.resolve(dir, res);
    if (statSync(p).isDirectory()) objects.push(...renderKustomization(p));
    else objects.push(...parseYamlDocuments(readFileSync(p, 'utf8'), p).map((o) => asObject(o, p)));
  }
  assertUnique(objects, file);

  for (const [i, entry] of (k.patches ?? []).entries()) {
    objects = applyPatchEntry(objects, entry, dir, `${file} patches[${i}]`);
  }
  if (k.namespace) objects = objects.map((o) => setNamespace(o, k.namespace!));
  for (const rule of k.images ?? []) {
    for (const field of Object.keys(rule)) if (!IMAGE_FIELDS.has(field)) throw new Error(`${file}: images.${field} is not supported`);
    objects = objects.map((o) => setImages(o, rule));
  }
  assertUnique(objects, file);
  return objects;
}

function asObject(value: unknown, source: string): K8sObject {
  const o = value as K8sObject;
  if (typeof o !== 'object' || !o.apiVersion || !o.kind || !o.metadata?.name) {
    throw new Error(`${source}: a document without apiVersion, kind and metadata.name`);
  }
  return o;
}

function assertUnique(objects: K8sObject[], source: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const id = objectId(o);
    if (seen.has(id)) throw new Error(`${source}: ${id} appears twice`);
    seen.add(id);
  }
}

function applyPatchEntry(objects: K8sObject[], entry: { path?: string; patch?: string; target?: PatchTarget }, dir: string, where: string): K8sObject[] {
  for (const field of Object.keys(entry)) if (!PATCH_FIELDS.has(field)) throw new Error(`${where}: field "${field}" is not supported`);
  if ((entry.path === undefined) === (entry.patch === undefined)) throw new Error(`${where}: give exactly one of path and patch`);
  const text = entry.path !== undefined ? readFileSync(path.resolve(dir, entry.path), 'utf8') : entry.patch!;
  const docs = parseYamlDocuments(text, where);
  if (docs.length !== 1) throw new Error(`${where}: a patch must be one YAML document`);
  const patch = docs[0];

  let target = entry.target;
  if (Array.isArray(patch)) {
    if (!target) throw new Error(`${where}: a JSON 6902 patch needs a target`);
  } else {
    const p = asObject(patch, where);
    target ??= { kind: p.kind, name: escapeRegExp(p.metadata.name) };
  }
  const selected = objects.filter((o) => matchesTarget(o, target!, where));
  if (selected.length === 0) throw new Error(`${where}: the patch selects no object (${JSON.stringify(target)})`);
  return objects.map((o) => {
    if (!selected.includes(o)) return o;
    if (Array.isArray(patch)) return applyJson6902(o, patch as JsonOp[], `${where} on ${objectId(o)}`) as K8sObject;
    // With a target, kustomize keeps the selected object's identity whatever the patch names.
    const { apiVersion: _v, kind: _k, metadata, ...rest } = patch as K8sObject;
    const { name: _n, namespace: _ns, ...meta } = metadata;
    return strategicMerge(o, { ...rest, metadata: meta }, `${where} on ${objectId(o)}`) as K8sObject;
  });
}

/** True when `o` is selected by a kustomize patch target (name is a whole-name regular expression). */
export function matchesTarget(o: K8sObject, target: PatchTarget, where = 'target'): boolean {
  for (const field of Object.keys(target)) if (!TARGET_FIELDS.has(field)) throw new Error(`${where}: target.${field} is not supported`);
  if (target.kind !== undefined && target.kind !== o.kind) return false;
  if (target.name !== undefined && !new RegExp(`^(?:${target.name})$`).test(o.metadata.name)) return false;
  if (target.namespace !== undefined && target.namespace !== (o.metadata.namespace ?? '')) return false;
  if (target.labelSelector !== undefined) {
    const labels = o.metadata.labels ?? {};
    for (const term of target.labelSelector.split(',').map((t) => t.trim())) {
      const m = /^([^=!\s]+)\s*==?\s*([^=!\s]*)$/.exec(term);
      if (!m) throw new Error(`${where}: label selector term "${term}" is not supported (only k=v)`);
      if (labels[m[1]!] !== m[2]) return false;
    }
  }
  return true;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strategic merge of `patch` into `base` (the subset described at the top); returns a new value. */
export function strategicMerge(base: unknown, patch: unknown, where = 'patch', field = ''): unknown {
  if (isMap(patch)) {
    if (Object.keys(patch).some((k) => k.startsWith('$'))) throw new Error(`${where}: strategic merge directives are not supported`);
    const from = isMap(base) ? base : {};
    const out: Record<string, unknown> = { ...from };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      // a new subtree is copied as it is: only lists present on both sides need merge semantics
      else out[k] = k in from ? strategicMerge(from[k], v, where, k) : stripNulls(v);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key) throw new Error(`${where}: list "${field}" in a strategic merge patch is not supported (use a JSON 6902 patch)`);
    const from = (Array.isArray(base) ? base : []) as Array<Record<string, unknown>>;
    for (const item of patch) {
      if (!isMap(item) || item[key] === undefined) throw new Error(`${where}: items of "${field}" need "${key}"`);
    }
    const items = patch as Array<Record<string, unknown>>;
    // kustomize's order: the patch's items first (merged with their namesakes), then the
    // object's other items in their order
    const merged = items.map((item) => {
      const same = from.find((b) => isMap(b) && b[key] === item[key]);
      return same ? strategicMerge(same, item, where) : stripNulls(item);
    });
    return [...merged, ...from.filter((b) => !items.some((item) => item[key] === b[key]))];
  }
  return patch;
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
  return v;
}

/** Applies JSON 6902 operations (add, replace, remove) to a copy of `doc`. */
export function applyJson6902(doc: unknown, ops: JsonOp[], where = 'patch'): unknown {
  const root = structuredClone(doc);
  for (const op of ops) {
    if (!['add', 'replace', 'remove'].includes(op.op)) throw new Error(`${where}: op "${op.op}" is not supported`);
    const tokens = op.path.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (!op.path.startsWith('/') || tokens.length === 0) throw new Error(`${where}: bad path "${op.path}"`);
    let parent: any = root;
    for (const t of tokens.slice(0, -1)) {
      const next = Array.isArray(parent) ? parent[Number(t)] : isMap(parent) ? parent[t] : undefined;
      if (next === undefined) throw new Error(`${where}: ${op.op} ${op.path}: "${t}" does not exist`);
      parent = next;
    }
    const last = tokens[tokens.length - 1]!;
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length || (op.op !== 'add' && index === parent.length)) {
        throw new Error(`${where}: ${op.op} ${op.path}: index out of range`);
      }
      if (op.op === 'add') parent.splice(index, 0, structuredClone(op.value));
      else if (op.op === 'replace') parent[index] = structuredClone(op.value);
      else parent.splice(index, 1);
    } else if (isMap(parent)) {
      if (op.op !== 'add' && !(last in parent)) throw new Error(`${where}: ${op.op} ${op.path}: does not exist`);
      if (op.op === 'remove') delete parent[last];
      else parent[last] = structuredClone(op.value);
    } else {
      throw new Error(`${where}: ${op.op} ${op.path}: parent is not a map or a list`);
    }
  }
  return root;
}

function setNamespace(o: K8sObject, namespace: string): K8sObject {
  if (o.kind === 'Namespace') return { ...o, metadata: { ...o.metadata, name: namespace } };
  if (CLUSTER_SCOPED.has(o.kind)) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

/** Splits `repo/name:tag@digest` into the name kustomize matches on and the rest. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [beforeDigest, digest] = image.split('@') as [string, string | undefined];
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  if (colon > slash) return { name: beforeDigest.slice(0, colon), tag: beforeDigest.slice(colon + 1), digest };
  return { name: beforeDigest, digest };
}

function setImages(o: K8sObject, rule: ImageRule): K8sObject {
  const visit = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) {
      if (key !== 'containers' && key !== 'initContainers') return v.map((x) => visit(x, ''));
      return v.map((c) => {
        if (!isMap(c) || typeof c.image !== 'string') return c;
        const img = parseImage(c.image);
        if (img.name !== rule.name) return c;
        const name = rule.newName ?? img.name;
        const tag = rule.newTag ?? img.tag;
        const digest = rule.digest ?? img.digest;
        const image = digest && rule.digest ? `${name}@${digest}` : `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
        return { ...c, image };
      });
    }
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x, k)]));
    return v;
  };
  return visit(o, '') as K8sObject;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
