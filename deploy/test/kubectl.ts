/**
 * `kubectl kustomize`, when kubectl is installed: the reference the renderer is compared
 * with. Tests name in their titles which of the two they could check.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { parseYamlDocuments, type K8sObject } from './kustomize';

/** Absolute path of an executable found on PATH, or undefined. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The kubectl this machine has, or undefined. */
export const KUBECTL = onPath('kubectl');

/** Objects `kubectl kustomize dir` renders; throws when kubectl is missing or fails. */
export function kubectlKustomize(dir: string): K8sObject[] {
  if (!KUBECTL) throw new Error('kubectl is not on PATH');
  const out = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return parseYamlDocuments(out, `kubectl kustomize ${dir}`) as K8sObject[];
}
