import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS, JAEGER_UID, PROMETHEUS_UID } from '../../dashboards/index.js';
import { panelsOf } from '../dashboards/helpers.js';

// No container engine runs here, so the stack is checked statically: it must
// be valid for Debian's docker-compose and the compose-spec schema, pinned,
// health-checked, on loopback, and wired the way the configs it mounts
// expect (ports, data-source uids, paths).
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}
interface Datasource {
  uid: string;
  type: string;
  url: string;
  jsonData?: { exemplarTraceIdDestinations?: Array<{ name: string; datasourceUid: string }> };
}

const FILE = 'docker-compose.yml';
const compose = parse(readFileSync(FILE, 'utf8')) as Compose;
const svc = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const datasources = (
  parse(readFileSync('dashboards/grafana-provisioning/datasources/datasources.yml', 'utf8')) as {
    datasources: Datasource[];
  }
).datasources;
const provider = (
  parse(readFileSync('dashboards/grafana-provisioning/dashboards/dashboards.yml', 'utf8')) as {
    providers: Array<{ options: { path: string } }>;
  }
).providers[0];
const prometheusYml = parse(readFileSync('dashboards/prometheus/prometheus.yml', 'utf8')) as {
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
};

/** `${VAR:-default}` → default: what compose sees with nothing set. */
const defaults = (s: string): string => s.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
/** Container port of each published `host:port:container` binding. */
const containerPorts = (s: Service): number[] => (s.ports ?? []).map((p) => Number(p.split(':').at(-1)));
/** Bind mounts as [host path, container path]. */
const binds = (s: Service): Array<[string, string]> =>
  (s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':') as [string, string]);
const urlPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};
/** The URL a healthcheck command fetches, as host, port and path. */
const healthUrl = (s: Service): { host: string; port: number; path: string } => {
  const url = /https?:\/\/[^\s'"]+/.exec((s.healthcheck?.test ?? []).join(' '))?.[0];
  if (!url) throw new Error(`no URL in healthcheck ${JSON.stringify(s.healthcheck?.test)}`);
  return { ...urlPort(url), path: new URL(url).pathname };
};
/** A command-line flag's value (`--flag=value`), or undefined. */
const flag = (s: Service, name: string): string | undefined =>
  s.command?.find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);
/**
 * What the pinned Jaeger v2 image serves with its built-in all-in-one config
 * (cmd/jaeger/internal/all-in-one.yaml and ports/ports.go at v2.10.0; the image
 * sets JAEGER_LISTEN_HOST=0.0.0.0, so other containers reach them): OTLP on
 * 4317 (gRPC) and 4318 (HTTP), the UI and query API on 16686, the
 * healthcheckv2 extension on 13133 answering /status.
 */
const JAEGER_V2 = { otlpGrpc: 4317, otlpHttp: 4318, ui: 16686, health: 13133, healthPath: '/status' };
/** Services that run the target app, and so its probes: built from the app image, not the load job. */
const probeServices = (): string[] =>
  Object.entries(compose.services)
    .filter(([, s]) => s.build !== undefined && !(s.command ?? []).includes('bin/perflab.js'))
    .map(([name]) => name);

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` (Debian docker-compose 1.29, no engine needed)', () => {
    for (const args of [[], ['--profile', 'load']]) {
      execFileSync('docker-compose', ['-f', FILE, ...args, 'config', '-q'], { stdio: 'pipe' });
    }
    expect(() =>
      execFileSync('docker-compose', ['-f', 'dashboards/prometheus/prometheus.yml', 'config', '-q'], {
        stdio: 'pipe',
      }),
    ).toThrow(); // the check does reject what is not a compose file
  });

  it('validates against the compose-spec JSON schema', () => {
    // The schema docker-compose itself ships (Debian's package, which CI installs).
    // Found through the interpreter docker-compose runs on, not whichever python3 is first on PATH.
    const bin = execFileSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).trim();
    const python = (readFileSync(bin, 'utf8').split('\n')[0] ?? '').replace(/^#!\s*/, '').split(' ')[0] ?? '';
    const dir = execFileSync(python, ['-c', 'import compose,os;print(os.path.dirname(compose.__file__))'], {
      encoding: 'utf8',
    }).trim();
    const schema = JSON.parse(readFileSync(`${dir}/config/compose_spec.json`, 'utf8')) as object;
    // It predates $id ("id", draft-04 style) and names a $schema URL ajv spells with https.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
    ajv.removeKeyword('id');
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    for (const f of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(f, true);
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(compose);
    (broken.services.app as Record<string, unknown>).helthcheck = {};
    expect(validate(broken)).toBe(false);
  });

  it('runs the whole stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['app', 'grafana', 'jaeger', 'load', 'nats', 'postgres', 'prometheus', 'redis', 'services'].sort(),
    );
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(/:v?[0-9][\w.-]*$/);
      else expect(service.build, name).toBeDefined();
    }
  });

  it('health-checks every service and starts each after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition, `${name} → ${dep}`).toBe('service_healthy');
      }
    }
    expect(Object.keys(svc('app').depends_on ?? {}).sort()).toEqual(['jaeger', 'postgres', 'redis']);
    expect(Object.keys(svc('services').depends_on ?? {}).sort()).toEqual([
      'jaeger',
      'nats',
      'postgres',
      'redis',
    ]);
    expect(Object.keys(svc('prometheus').depends_on ?? {}).sort()).toEqual(['app', 'services']);
    expect(Object.keys(svc('grafana').depends_on ?? {}).sort()).toEqual(['jaeger', 'prometheus']);
    expect(Object.keys(svc('load').depends_on ?? {}).sort()).toEqual(['app', 'prometheus']);
  });

  it('points the app at the postgres and redis services with their credentials', () => {
    const pg = svc('postgres').environment ?? {};
    const url = new URL(defaults(svc('app').environment?.DATABASE_URL ?? ''));
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.password).toBe(defaults(pg.POSTGRES_PASSWORD ?? ''));
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(new URL(svc('app').environment?.REDIS_URL ?? '').hostname).toBe('redis');
  });

  it('publishes ports on loopback only, each movable by a ${VAR:-default}', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\$\{\w+:-\d+\}:\d+$/);
    }
  });

  it('keeps state in named volumes, all declared', () => {
    for (const service of Object.values(compose.services)) {
      for (const v of service.volumes ?? []) {
        if (!v.startsWith('./')) expect(Object.keys(compose.volumes)).toContain(v.split(':')[0]);
      }
    }
    for (const name of ['postgres', 'redis', 'prometheus', 'grafana']) {
      expect(
        svc(name).volumes?.some((v) => !v.startsWith('./')),
        name,
      ).toBe(true);
    }
  });

  it('mounts only files and folders that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [host] of binds(service)) expect(existsSync(host), `${name}: ${host}`).toBe(true);
    }
    expect(existsSync('Dockerfile')).toBe(true);
  });

  it('wires ports: every URL a config holds reaches the port its service serves', () => {
    const appPort = Number(svc('app').environment?.PORT);
    expect(containerPorts(svc('app'))).toEqual([appPort]);
    // Prometheus scrapes the app on its metrics port: the API port answers /metrics to loopback only.
    const metricsPort = Number(svc('app').environment?.METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(appPort);
    const targets = prometheusYml.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets));
    // The monolith and each HTTP service of the services shape, on the port its variable sets.
    const env = svc('services').environment ?? {};
    expect(targets).toEqual([
      `app:${metricsPort}`,
      ...['PORT', 'USERS_PORT', 'CATALOG_PORT', 'ORDERS_PORT'].map((v) => `services:${env[v]}`),
    ]);
    expect(containerPorts(svc('services'))).toEqual([Number(env.PORT)]);
    expect(urlPort(env.NATS_URL ?? '')).toEqual({ host: 'nats', port: 4222 });
    expect(svc('nats').command).toContain('-js');
    // Grafana's data sources reach Prometheus and Jaeger's query port.
    const prom = datasources.find((d) => d.type === 'prometheus')!;
    const jaeger = datasources.find((d) => d.type === 'jaeger')!;
    expect(urlPort(prom.url)).toEqual({ host: 'prometheus', port: 9090 });
    expect(containerPorts(svc('prometheus'))).toContain(9090);
    expect(urlPort(jaeger.url)).toEqual({ host: 'jaeger', port: 16686 });
    expect(containerPorts(svc('jaeger'))).toContain(16686);
    // The load job targets the app and writes into Prometheus' remote-write receiver.
    const load = (svc('load').command ?? []).map(defaults);
    expect(load[load.indexOf('--target') + 1]).toBe(`http://app:${appPort}`);
    expect(load[load.indexOf('--prometheus-rw') + 1]).toBe('http://prometheus:9090/api/v1/write');
    expect(svc('load').profiles).toEqual(['load']);
    expect(containerPorts(svc('grafana'))).toEqual([3000]);
  });

  it('exports spans from every service that runs the probes to the jaeger service OTLP/HTTP port', () => {
    // The load job is built from the same image but runs perflab, which exports no spans.
    expect(probeServices().sort()).toEqual(['app', 'services']);
    expect(svc('jaeger').command).toBeUndefined(); // the image's all-in-one config, so JAEGER_V2 holds
    expect(svc('jaeger').image).toMatch(/^jaegertracing\/jaeger:2\./);
    expect(containerPorts(svc('jaeger'))).toContain(JAEGER_V2.otlpHttp);
    for (const name of probeServices()) {
      const env = svc(name).environment ?? {};
      expect(urlPort(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://unset'), name).toEqual({
        host: 'jaeger',
        port: JAEGER_V2.otlpHttp,
      });
      // OTLP/HTTP is the SDK's default protocol; gRPC would need 4317.
      expect(env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf', name).toBe('http/protobuf');
      expect(svc(name).depends_on?.jaeger?.condition, name).toBe('service_healthy');
    }
  });

  it('health-checks Jaeger, Prometheus and Grafana on a port and path each of them serves', () => {
    expect(healthUrl(svc('jaeger'))).toEqual({
      host: '127.0.0.1',
      port: JAEGER_V2.health,
      path: JAEGER_V2.healthPath,
    });
    // Prometheus listens on 9090 unless --web.listen-address moves it; Grafana's data source and the load job use it too.
    const promPort = Number((flag(svc('prometheus'), '--web.listen-address') ?? ':9090').split(':').at(-1));
    expect(containerPorts(svc('prometheus'))).toContain(promPort);
    expect(urlPort(datasources.find((d) => d.type === 'prometheus')?.url ?? '').port).toBe(promPort);
    expect(healthUrl(svc('prometheus'))).toEqual({ host: '127.0.0.1', port: promPort, path: '/-/ready' });
    // Grafana serves on GF_SERVER_HTTP_PORT, 3000 when unset.
    const grafanaPort = Number(svc('grafana').environment?.GF_SERVER_HTTP_PORT ?? 3000);
    expect(containerPorts(svc('grafana'))).toEqual([grafanaPort]);
    expect(healthUrl(svc('grafana'))).toEqual({ host: '127.0.0.1', port: grafanaPort, path: '/api/health' });
  });

  it('runs Prometheus with exemplar storage, the remote-write receiver and the mounted rules', () => {
    const cmd = svc('prometheus').command ?? [];
    expect(cmd).toEqual(
      expect.arrayContaining(['--enable-feature=exemplar-storage', '--web.enable-remote-write-receiver']),
    );
    const config = cmd.find((c) => c.startsWith('--config.file='))?.split('=')[1];
    const mounts = Object.fromEntries(binds(svc('prometheus')).map(([h, c]) => [c, h]));
    expect(mounts[config ?? '']).toBe('./dashboards/prometheus/prometheus.yml');
    expect(prometheusYml.rule_files).toEqual(['rules/*.yml']);
    expect(mounts['/etc/prometheus/rules']).toBe('./dashboards/prometheus/rules');
  });

  it('passes Prometheus 3 no flag it removed, though the proofs run Debian prometheus 2.42', () => {
    // The feature flags Prometheus 3.0 folded into its defaults or replaced with flags of their own
    // (https://prometheus.io/docs/prometheus/latest/migration/): v3 only warns about them, so a
    // leftover one would silently stop doing what the comment beside it says. exemplar-storage is
    // still a v3 feature flag, and --web.enable-remote-write-receiver the v3 spelling.
    const removed = [
      'promql-at-modifier',
      'promql-negative-offset',
      'new-service-discovery-manager',
      'expand-external-labels',
      'no-default-scrape-port',
      'agent',
      'remote-write-receiver',
      'auto-gomemlimit',
      'auto-gomaxprocs',
    ];
    expect(svc('prometheus').image).toMatch(/^prom\/prometheus:v3\./);
    const features = (svc('prometheus').command ?? [])
      .filter((c) => c.startsWith('--enable-feature='))
      .flatMap((c) => c.slice('--enable-feature='.length).split(','));
    expect(features).toContain('exemplar-storage');
    for (const f of features) expect(removed, f).not.toContain(f);
  });

  it('provisions Grafana with the dashboards and every data source uid they use', () => {
    const mounts = Object.fromEntries(binds(svc('grafana')).map(([h, c]) => [h, c]));
    expect(mounts['./dashboards/grafana']).toBe(provider?.options.path);
    expect(mounts['./dashboards/grafana-provisioning']).toBe('/etc/grafana/provisioning');
    const env = svc('grafana').environment ?? {};
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');

    const provisioned = new Map(datasources.map((d) => [d.uid, d.type]));
    expect(provisioned.get(PROMETHEUS_UID)).toBe('prometheus');
    expect(provisioned.get(JAEGER_UID)).toBe('jaeger');
    for (const d of DASHBOARDS) {
      const built = d.build();
      // Panels name `${datasource}`; the variable's default is what they resolve to.
      const dsVar = built.templating?.list?.find((v) => v.type === 'datasource');
      const uid = (dsVar?.current?.value as string | undefined) ?? '';
      expect(provisioned.get(uid), `${d.file}: $datasource default ${uid}`).toBe('prometheus');
      const refs = panelsOf(built).flatMap((p) => [
        p.datasource?.uid,
        ...(p.targets ?? []).map((t) => t.datasource?.uid),
      ]);
      for (const ref of refs.filter((r): r is string => r !== undefined)) {
        expect(ref === '${datasource}' || provisioned.has(ref), `${d.file}: ${ref}`).toBe(true);
      }
    }
    // An exemplar's trace_id opens in the provisioned Jaeger.
    const dest = datasources.find((d) => d.uid === PROMETHEUS_UID)?.jsonData?.exemplarTraceIdDestinations;
    expect(dest).toEqual([expect.objectContaining({ name: 'trace_id', datasourceUid: JAEGER_UID })]);
  });

  it('builds the app from a Dockerfile that runs npm start on a supported Node', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const node = /^FROM node:(\d+)/m.exec(dockerfile);
    expect(Number(node?.[1])).toBeGreaterThanOrEqual(20);
    expect(dockerfile).toMatch(/CMD \["npm", "start"\]/);
    expect(dockerfile).toMatch(/npm ci/);
  });
});
