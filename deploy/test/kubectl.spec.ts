// The renderer against the real thing: when kubectl is on PATH, `kubectl kustomize` of
// the base and each overlay must give exactly the objects the renderer gives (so the
// other checks, which read the renderer's output, check what kubectl would apply).
// Without kubectl the titles say so and only the renderer's output is checked.
import * as path from 'node:path';
import { KUBECTL, kubectlKustomize } from './kubectl';
import { objectId, renderKustomization, type K8sObject } from './kustomize';
import { validateObject } from './schemas';

const DEPLOY = path.resolve(__dirname, '..');
const check = KUBECTL ? `gives exactly the objects of \`${KUBECTL} kustomize\`` : 'renders unique, schema-valid objects (kubectl is not on PATH: not compared with kustomize)';
const byId = (objs: K8sObject[]) => new Map(objs.map((o) => [objectId(o), o]));

describe.each(['base', 'overlays/dev', 'overlays/prod'])('%s', (dir) => {
  it(`the renderer ${check}`, () => {
    const ours = renderKustomization(path.join(DEPLOY, dir));
    expect(ours.length).toBeGreaterThan(40);
    expect(byId(ours).size).toBe(ours.length);
    for (const o of ours) validateObject(o);
    if (!KUBECTL) return;
    const theirs = byId(kubectlKustomize(path.join(DEPLOY, dir)));
    expect([...byId(ours).keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const o of ours) expect(o).toEqual(theirs.get(objectId(o)));
  });
});
