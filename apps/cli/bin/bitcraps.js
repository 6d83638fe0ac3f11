#!/usr/bin/env node
// `npx bitcraps …`: runs the CLI compiled by `npm run build` (dist/) when it is there
// and not older than the sources, else the TypeScript sources through ts-node (a fresh
// clone after `npm ci` needs no build). BITCRAPS_CLI_FROM_SOURCE=1 forces the sources.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const sources = path.join(root, 'apps', 'cli', 'src');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function newestSource() {
  let newest = 0;
  for (const name of fs.readdirSync(sources)) {
    if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(path.join(sources, name)).mtimeMs);
  }
  return newest;
}

function useCompiled() {
  if (process.env.BITCRAPS_CLI_FROM_SOURCE) return false;
  try {
    return fs.statSync(compiled).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

if (useCompiled()) {
  require(compiled);
} else {
  const tsconfig = path.join(root, 'tsconfig.json');
  require('ts-node').register({ transpileOnly: true, project: tsconfig });
  const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
  require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
  require(path.join(sources, 'main.ts'));
}
