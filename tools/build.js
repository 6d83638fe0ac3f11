#!/usr/bin/env node
// Builds every service and library into dist/ with tsc, then maps the workspace
// aliases (@bitcraps/<lib>) to the compiled libraries so plain `node` runs the apps.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const started = Date.now();

console.log('build: compiling apps and libs with tsc …');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  const compiled = path.join(dist, target.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(compiled)) continue; // test-only libraries are not built
  const shimDir = path.join(dist, 'node_modules', alias);
  fs.mkdirSync(shimDir, { recursive: true });
  const rel = path.relative(shimDir, compiled).split(path.sep).join('/');
  fs.writeFileSync(path.join(shimDir, 'index.js'), `module.exports = require('${rel}');\n`);
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s → dist/`);
