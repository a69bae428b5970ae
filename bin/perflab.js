#!/usr/bin/env node
// Installed from npm, the package holds compiled JavaScript only (dist/), so nothing is
// compiled at start. In the repository the TypeScript sources sit beside this file and
// run through tsx instead, so a developer never runs a stale build.
import { existsSync } from 'node:fs';

const source = new URL('../loadtests/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/loadtests/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
