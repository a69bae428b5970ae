import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerflabError } from '../../common/perflab-error.js';
import { E_SCENARIO_LOAD, E_SCENARIO_NOT_FOUND } from '../error-codes.js';
import type { Scenario } from '../types.js';
import { schemeHint } from '../engine/options.js';
import { defineScenario, validateScenario } from './define-scenario.js';

type ScenarioModule = { default?: unknown; scenario?: unknown };

/** The scenarios shipped for the target app, loaded on demand. */
export const BUNDLED_SCENARIOS: Readonly<Record<string, () => Promise<ScenarioModule>>> = {
  smoke: () => import('../bundled-scenarios/smoke.js'),
  browse: () => import('../bundled-scenarios/browse.js'),
  orders: () => import('../bundled-scenarios/orders.js'),
  checkout: () => import('../bundled-scenarios/checkout.js'),
  mixed: () => import('../bundled-scenarios/mixed.js'),
  'checkout-saga': () => import('../bundled-scenarios/checkout-saga.js'),
  'order-history': () => import('../bundled-scenarios/order-history.js'),
};

/** A bare URL as a one-request scenario, the way autocannon or hey are used. */
export function urlScenario(url: string): { scenario: Scenario; target: string } {
  const u = new URL(url);
  const scenario = defineScenario({
    name: u.pathname === '/' ? u.host : u.pathname.replace(/^\//, '').replace(/\//g, '_'),
    description: `GET ${url}`,
    flows: [
      { name: 'url', steps: [{ name: `GET ${u.pathname}`, method: 'GET', path: u.pathname + u.search }] },
    ],
  });
  return { scenario: { ...scenario, source: url }, target: u.origin };
}

function pickExport(mod: ScenarioModule, source: string): Scenario {
  // A file outside an ESM package is compiled as CommonJS; its exports object then arrives as `default`.
  const inner = mod.default as ScenarioModule | undefined;
  const cjs = inner !== null && typeof inner === 'object' && !('flows' in inner) && !('name' in inner);
  const value = cjs ? (inner.default ?? inner.scenario) : (mod.default ?? mod.scenario);
  if (value === undefined) {
    throw new PerflabError(
      E_SCENARIO_LOAD,
      `${source}: no default export (export default defineScenario({...}))`,
    );
  }
  const s = validateScenario(value, source);
  return { ...s, source };
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
let tsxRegistered = false;

/**
 * Imports a scenario file. JavaScript, and TypeScript where a loader is
 * already present (Node's type stripping, or tsx in the repository), load
 * as they are; otherwise tsx is registered process-wide, once. Not tsx's
 * namespaced tsImport: it would load a second copy of perflab (and undici)
 * for the scenario's own `import 'perflab'`.
 */
async function importScenario(path: string): Promise<ScenarioModule> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT.test(path) || tsxRegistered) return (await import(url)) as ScenarioModule;
  try {
    return (await import(url)) as ScenarioModule;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  }
  const { register } = await import('tsx/esm/api');
  register();
  tsxRegistered = true;
  // A fresh URL: the failed attempt stays cached under the plain one.
  return (await import(`${url}?perflab-tsx`)) as ScenarioModule;
}

/**
 * Resolves `perflab run <scenario>`: a bundled name or a TypeScript/JavaScript
 * file (TypeScript through tsx when Node cannot strip types itself). Errors name the file and, for an invalid
 * scenario, the field.
 */
export async function loadScenario(ref: string): Promise<Scenario> {
  const bundled = BUNDLED_SCENARIOS[ref];
  if (bundled) return pickExport(await bundled(), ref);
  const path = resolve(ref);
  try {
    await access(path);
  } catch {
    const names = Object.keys(BUNDLED_SCENARIOS).join(', ');
    throw new PerflabError(
      E_SCENARIO_NOT_FOUND,
      `scenario "${ref}" is neither a file nor a bundled scenario (${names})${schemeHint(ref)}`,
    );
  }
  let mod: ScenarioModule;
  try {
    mod = await importScenario(path);
  } catch (err) {
    // The file's own copy of perflab may be a separate module instance, so match the code, not the class.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('PERFLAB_E_')) {
      throw new PerflabError(code as `PERFLAB_E_${string}`, `${ref}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    throw new PerflabError(
      E_SCENARIO_LOAD,
      `${ref}: cannot load scenario: ${(err as Error).message ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
  return pickExport(mod, ref);
}
