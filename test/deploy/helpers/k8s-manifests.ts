import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * deploy/k8s/ read the way Kubernetes and Docker read it, for the manifest
 * checks (test/deploy/k8s.test.ts) and for the packed install that rebuilds
 * the generator image's layout on disk (test/package/pack-install.test.ts).
 */
export const deployDir = new URL('../../../deploy/k8s/', import.meta.url).pathname;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Container {
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }[];
}

export const manifests: Manifest[] = readdirSync(deployDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(deployDir, f), 'utf8')).map((d) => d.toJS() as Manifest),
  );

export const byName = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name) as Manifest;

export const podSpec = (job: Manifest) => (job.spec?.template as { spec: PodSpec }).spec;

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function dockerfile(): { instruction: string; value: string }[] {
  return readFileSync(join(deployDir, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [instruction = '', ...rest] = l.trim().split(/\s+/);
      return { instruction: instruction.toUpperCase(), value: rest.join(' ') };
    });
}

/** Where the generator image installs perflab, and where the generators Job puts the scenario. */
export interface GeneratorLayout {
  /** The image's WORKDIR, holding package.json and node_modules/perflab. */
  workdir: string;
  /** The image's PATH entries (ENV PATH), `$PATH` left out. */
  path: string[];
  /** The file the image's Dockerfile copies to `<workdir>/package.json`. */
  packageJson: string;
  /** The scenario volume's mountPath in the generators Job. */
  scenarioMount: string;
  /** The scenario file `perflab run` is given in the Job's command. */
  scenarioFile: string;
  /** The scenario as the ConfigMap carries it, under the key the mount exposes. */
  scenarioText: string;
}

export function generatorLayout(): GeneratorLayout {
  const steps = dockerfile();
  const workdir = steps.findLast((s) => s.instruction === 'WORKDIR')?.value ?? '/';
  const env = steps.findLast((s) => s.instruction === 'ENV' && s.value.startsWith('PATH='))?.value ?? '';
  const copied = steps
    .filter((s) => s.instruction === 'COPY')
    .map((s) => s.value.split(' '))
    .find(
      ([, dest]) =>
        dest !== undefined && posix.resolve(workdir, dest) === posix.join(workdir, 'package.json'),
    );

  const spec = podSpec(byName('Job', 'perflab-generators'));
  const container = spec.containers[0] as Container;
  const volume = spec.volumes.find((v) => v.configMap);
  const mount = container.volumeMounts.find((m) => m.name === volume?.name);
  const scenarioFile = /perflab run (\S+)/.exec(container.args.join(' '))?.[1] ?? '';
  const key = posix.relative(mount?.mountPath ?? '', scenarioFile);
  return {
    workdir,
    path: env
      .replace(/^PATH=/, '')
      .split(':')
      .filter((p) => !p.startsWith('$')),
    packageJson: join(deployDir, '../..', copied?.[0] ?? ''),
    scenarioMount: mount?.mountPath ?? '',
    scenarioFile,
    scenarioText: byName('ConfigMap', volume?.configMap?.name ?? '').data?.[key] ?? '',
  };
}
