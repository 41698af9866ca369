// The container files agree with the config and with each other: ports, scrape target, mounted paths, the
// Dockerfile's entry point (what tsconfig.build.json emits for src/cli/main.ts). No Docker engine is needed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { GRAFANA, ROOT } from './dashboards.js';

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const compose = read('compose.yaml');
const dockerfile = read('Dockerfile');
const defaults = JSON.parse(read('config/default.json')) as {
  http?: { port?: number; host?: string };
  database: { roles: { writer: { name: string } } };
};
const PORT = defaults.http?.port ?? 9464;

/** The block of one compose service: its indented lines up to the next service. */
function service(name: string): string {
  const m = new RegExp(`^  ${name}:\\n((?:(?:    .*)?\\n)*)`, 'm').exec(compose);
  if (!m) throw new Error(`compose.yaml has no service ${name}`);
  return m[1] as string;
}

/** `- ./host:/container[:ro]` volume mounts of a service. */
function binds(block: string): { host: string; container: string }[] {
  return [...block.matchAll(/^\s+- (\.\/[^:\s]+):([^:\s]+)(?::ro)?\s*$/gm)].map((m) => ({ host: m[1] as string, container: m[2] as string }));
}

function envOf(block: string): Record<string, string> {
  const env = /^ {4}environment:\n((?: {6}.*\n)*)/m.exec(block)?.[1] ?? '';
  return Object.fromEntries([...env.matchAll(/^\s+(\w+):\s*(.*)$/gm)].map((m) => [m[1], (m[2] as string).trim()]));
}

/** The path tsc emits for a source file under tsconfig.build.json (outDir, rootDir from it or the base config). */
function emittedPath(source: string): string {
  const build = JSON.parse(read('tsconfig.build.json')) as { extends?: string; compilerOptions?: { outDir?: string; rootDir?: string } };
  const base = build.extends ? JSON.parse(read(build.extends)) as { compilerOptions?: { outDir?: string; rootDir?: string } } : {};
  const outDir = build.compilerOptions?.outDir ?? base.compilerOptions?.outDir ?? '.';
  const rootDir = build.compilerOptions?.rootDir ?? base.compilerOptions?.rootDir ?? '.';
  return path.posix.join(outDir, path.posix.relative(rootDir, source)).replace(/\.ts$/, '.js');
}

describe('Dockerfile', () => {
  const entry = emittedPath('src/cli/main.ts');

  it('runs the CLI that the build emits for src/cli/main.ts', () => {
    expect(entry).toBe('dist/src/cli/main.js');
    expect(dockerfile).toContain(`CMD ["node", "${entry}", "record"]`);
    expect(service('recorder')).toContain(`command: ["node", "${entry}", "record"]`);
    // .ci/run builds before the tests; the path really is what `npm run build` wrote.
    expect(existsSync(path.join(ROOT, entry)), `${entry} after npm run build`).toBe(true);
  });

  it('listens on every interface inside the container, where the default is loopback only', () => {
    expect(defaults.http?.host).toBe('127.0.0.1');
    expect(dockerfile).toMatch(/^ENV SCHWAB_RECORDER_HTTP_HOST=0\.0\.0\.0$/m);
    expect(loadConfig({ env: { SCHWAB_RECORDER_HTTP_HOST: '0.0.0.0' } }).http.host).toBe('0.0.0.0');
  });

  it('is multi-stage on node:20-slim, runs as a non-root user, and checks /healthz on the config port', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/^USER (?!root\b)\w+/m);
    expect(dockerfile).toMatch(new RegExp(`HEALTHCHECK[\\s\\S]*fetch\\('http://127\\.0\\.0\\.1:${PORT}/healthz'\\)`));
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${PORT}$`, 'm'));
    // Everything the runtime reads from the package root is copied: defaults and migrations.
    for (const dir of ['config', 'sql']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
      expect(existsSync(path.join(ROOT, dir))).toBe(true);
    }
  });
});

describe('compose.yaml', () => {
  it('publishes the recorder on the config http port and Prometheus scrapes that port', () => {
    expect(service('recorder')).toMatch(new RegExp(`- "127\\.0\\.0\\.1:${PORT}:${PORT}"`));
    const scrape = read('grafana/prometheus.yml');
    expect([...scrape.matchAll(/targets:\s*\[([^\]]*)\]/g)].map((m) => m[1]?.trim())).toEqual([`'recorder:${PORT}'`]);
    expect(binds(service('prometheus'))).toContainEqual({ host: './grafana/prometheus.yml', container: '/etc/prometheus/prometheus.yml' });
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const published = [...compose.matchAll(/^ {4}ports:\n((?: {6}- .*\n)+)/gm)].flatMap((m) => [...(m[1] as string).matchAll(/- "?([^"\s]+)"?/g)].map((p) => p[1]));
    expect(published).toEqual([`127.0.0.1:${PORT}:${PORT}`, '127.0.0.1:9090:9090', '127.0.0.1:3000:3000']);
  });

  it('runs the recorder as the writer role db-setup creates, and only db-setup as the superuser', () => {
    const writer = defaults.database.roles.writer.name;
    expect(envOf(service('recorder'))['DATABASE_URL'])
      .toBe(`postgres://${writer}:\${SCHWAB_RECORDER_WRITER_PASSWORD}@postgres:5432/schwab_recorder`);
    const setup = envOf(service('db-setup'));
    expect(setup['DATABASE_URL']).toMatch(/^postgres:\/\/postgres:/);
    expect(setup['SCHWAB_RECORDER_WRITER_PASSWORD']).toBe('${SCHWAB_RECORDER_WRITER_PASSWORD:?set SCHWAB_RECORDER_WRITER_PASSWORD}');
    expect(service('db-setup')).toContain('db roles');
    expect(loadConfig({ env: { SCHWAB_RECORDER_WRITER_PASSWORD: 'x' } }).database.roles.writer.password).toBe('x');
  });

  it('mounts only paths that exist, and Grafana\'s where its provisioning looks', () => {
    for (const name of ['prometheus', 'grafana']) {
      for (const { host } of binds(service(name))) expect(existsSync(path.join(ROOT, host)), host).toBe(true);
    }
    const grafana = binds(service('grafana'));
    expect(grafana).toContainEqual({ host: './grafana/provisioning', container: '/etc/grafana/provisioning' });
    const provider = readFileSync(path.join(GRAFANA, 'provisioning/dashboards/dashboards.yaml'), 'utf8');
    const dashboardsPath = /^\s+path:\s*(\S+)\s*$/m.exec(provider)?.[1];
    expect(grafana).toContainEqual({ host: './grafana/dashboards', container: dashboardsPath });
  });

  it('gives Grafana every variable its datasource provisioning reads, and the recorder a database', () => {
    const datasources = readFileSync(path.join(GRAFANA, 'provisioning/datasources/datasources.yaml'), 'utf8')
      .split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
    const needed = [...new Set([...datasources.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] as string))];
    expect(needed).toContain('SCHWAB_RECORDER_READER_PASSWORD');
    const env = envOf(service('grafana'));
    for (const name of needed) expect(Object.keys(env), name).toContain(name);
    expect(env['PROMETHEUS_URL']).toBe('http://prometheus:9090');
    expect(envOf(service('recorder'))['DATABASE_URL']).toMatch(/^postgres:\/\/.*@postgres:5432\/schwab_recorder$/);
    expect(service('postgres')).toMatch(/image: postgres:17/);
  });
});
