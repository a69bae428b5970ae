import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../loadtests/scenario-runtime/load-scenario.js';
import { byName, dockerfile, generatorLayout, manifests, podSpec } from './helpers/k8s-manifests.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'batch/v1/Job': Job,
};

describe('deploy/k8s manifests', () => {
  it('validate against the Kubernetes schemas (kubernetes-models)', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/perflab-scenario',
      'Job/perflab-generators',
      'Job/perflab-merge',
      'PersistentVolumeClaim/perflab-results',
    ]);
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new (Model as NonNullable<typeof Model>)(m as never).validate()).not.toThrow();
    }
    // The validator is not a rubber stamp: a wrong completion mode fails it.
    const broken = structuredClone(byName('Job', 'perflab-generators'));
    (broken.spec as Record<string, unknown>).completionMode = 'Ordered';
    expect(() => new Job(broken as never).validate()).toThrow(/completionMode/);
  });

  it('runs one segment per index, as many segments as completions, writing where the merge reads', () => {
    const job = byName('Job', 'perflab-generators');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed' });
    const spec = podSpec(job);
    const container = spec.containers[0];
    const segments = Number(container?.env.find((e) => e.name === 'SEGMENTS')?.value);
    expect(job.spec?.completions).toBe(segments);
    expect(job.spec?.parallelism).toBe(segments);
    const args = container?.args.join(' ') ?? '';
    expect(args).toContain('--segment "$((JOB_COMPLETION_INDEX + 1))/$SEGMENTS"');
    expect(args).toContain('--out "/results/segment-$JOB_COMPLETION_INDEX"');
    // Live figures by remote write, one test id shared by the Job's generators.
    expect(args).toContain('--prometheus-rw "$PROMETHEUS_RW" --testid "$TEST_ID"');
    expect(container?.env.map((e) => e.name)).toEqual(expect.arrayContaining(['PROMETHEUS_RW', 'TEST_ID']));
    expect(podSpec(byName('Job', 'perflab-merge')).containers[0]?.args.join(' ')).toContain(
      'perflab merge /results/segment-*/result.json',
    );
    for (const s of [spec, podSpec(byName('Job', 'perflab-merge'))]) {
      for (const mount of s.containers.flatMap((c) => c.volumeMounts))
        expect(s.volumes.map((v) => v.name)).toContain(mount.name);
      for (const v of s.volumes) {
        if (v.configMap) expect(byName('ConfigMap', v.configMap.name)).toBeDefined();
        if (v.persistentVolumeClaim)
          expect(byName('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)).toBeDefined();
      }
    }
    // The segment command's flags are ones perflab run knows.
    for (const flag of args.match(/--[a-z-]+/g) ?? []) {
      expect(readFileSync(new URL('../../loadtests/cli/help.ts', import.meta.url), 'utf8')).toContain(flag);
    }
  });

  it('mounts the scenario inside the image install directory, where its import of perflab resolves', () => {
    const layout = generatorLayout();
    expect(layout.workdir).toBe('/perflab');
    // Node's ESM resolver walks up from the scenario's folder to a node_modules: the mount
    // must sit under the directory holding node_modules/perflab. NODE_PATH and a global
    // install are never consulted, so the package is installed locally, not with --global.
    expect(layout.scenarioMount.startsWith(`${layout.workdir}/`)).toBe(true);
    expect(posix.dirname(layout.scenarioFile)).toBe(layout.scenarioMount);
    expect(layout.scenarioText).toContain("from 'perflab'");
    const install = dockerfile().filter((s) => s.instruction === 'RUN' && /\bnpm install\b/.test(s.value));
    expect(install).toHaveLength(1);
    expect(install[0]?.value).not.toMatch(/--global|\s-g\b/);
    // The install directory is an ES module package, so a .js scenario is never read as CommonJS.
    expect(JSON.parse(readFileSync(layout.packageJson, 'utf8'))).toMatchObject({ type: 'module' });
    // Both Jobs call `perflab` by name: the local install's bin folder is on the image's PATH.
    expect(layout.path).toContain(`${layout.workdir}/node_modules/.bin`);
    for (const job of ['perflab-generators', 'perflab-merge']) {
      const c = podSpec(byName('Job', job)).containers[0];
      expect(c?.args.join(' ')).toMatch(/^exec perflab (run|merge) /);
    }
  });

  it('ships a scenario that validates', async () => {
    const text = byName('ConfigMap', 'perflab-scenario').data?.['scenario.js'] ?? '';
    expect(text).toContain("from 'perflab'");
    // Installed, 'perflab' is the package (test/package/pack-install.test.ts runs the scenario
    // unchanged from a packed install); here, point it at the sources.
    const file = join(mkdtempSync(join(tmpdir(), 'perflab-k8s-')), 'scenario.ts');
    const source = new URL('../../loadtests/index.js', import.meta.url).pathname;
    writeFileSync(file, text.replace("from 'perflab'", `from '${source}'`));
    const s = await loadScenario(file);
    expect(s.flows[0]?.steps.map((st) => st.name)).toEqual(['products.list', 'products.get']);
  });
});
