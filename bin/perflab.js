#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it (and user scenario files) on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../loadtests/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
