/**
 * Runs the TypeScript sources without ts-node: `node -r ./scripts/register.js main.ts`.
 *
 * Each .ts file is compiled by @swc/core (types stripped, CommonJS, no source maps, so no
 * source-map-support either: the synthesis profile spent most of its time there, see
 * docs/performance.md) and cached under node_modules/.cache/swc-register by a hash of its source,
 * so an unchanged file is never compiled again and @swc/core is loaded only when something changed.
 * `npm run typecheck` (tsc) stays the type checker.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const Module = require('module');

const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'swc-register');
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: false,
  swcrc: false,
  configFile: false,
};
// Part of every cache key: a change of compiler or options recompiles everything.
let keyPrefix;
function cacheKeyPrefix() {
  if (keyPrefix === undefined) {
    const version = JSON.parse(fs.readFileSync(require.resolve('@swc/core/package.json'), 'utf8')).version;
    keyPrefix = `${version}\0${JSON.stringify(SWC_OPTIONS)}\0`;
  }
  return keyPrefix;
}

let swc;
function compile(source, filename) {
  // The source alone decides the output (no source maps, no .swcrc lookup), so a copy of the
  // repository elsewhere (the README walk-through's scratch copy) reuses the same entries.
  const key = crypto.createHash('sha256').update(cacheKeyPrefix()).update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not compiled yet.
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written under a temporary name and renamed, so a concurrent process never reads half a file.
    const temp = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temp, code);
    fs.renameSync(temp, cached);
  } catch {
    // A read-only cache only costs speed.
  }
  return code;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
