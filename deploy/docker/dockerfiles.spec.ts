// Offline checks of deploy/docker/*.Dockerfile, for machines without a
// container engine: the rules of the images (multi-stage, distroless runtime,
// numeric non-root user, no build tools, health check, default ports) and
// that every path an image copies or runs exists in the build output. Run it
// after `bash scripts/ensure-deps.sh` (npm test builds first), which leaves the
// same dist folders the Dockerfiles' build stage produces.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOG_DEFAULT_PORT } from '@accord/catalog-service';
import { CONTRACTS_DEFAULT_PORT } from '@accord/contracts-service';
import { LEDGER_DEFAULT_PORT } from '@accord/ledger-service';
import { STORAGE_GATEWAY_DEFAULT_PORT } from '@accord/storage-gateway-service';
import { readDockerfile, type DockerfileModel, type Stage } from './testing/dockerfile-model';
import { readWorkspacePackages, runtimeWorkspaceDirs } from './testing/workspace-packages';

const ROOT = resolve(__dirname, '..', '..');
const DOCKER_DIR = join(ROOT, 'deploy', 'docker');
/** Where the build stage puts the repository; `/app/<path>` there is `<path>` here. */
const APP = '/app';
/** The console has no port of its own in its config (7100 outside a container); the chart's contract gives it 8080. */
const CONSOLE_IMAGE_PORT = 8080;
const NON_ROOT_USER = '10001:10001';
const HEALTHCHECK_SCRIPT = 'deploy/docker/healthcheck.mjs';
/** The distroless image's node; it has no shell, so the health check is an exec-form node command. */
const RUNTIME_NODE = '/nodejs/bin/node';

const IMAGES = [
  { name: 'ledger', workspace: 'services/ledger', port: LEDGER_DEFAULT_PORT },
  { name: 'contracts', workspace: 'services/contracts', port: CONTRACTS_DEFAULT_PORT },
  { name: 'catalog', workspace: 'services/catalog', port: CATALOG_DEFAULT_PORT },
  { name: 'storage-gateway', workspace: 'services/storage-gateway', port: STORAGE_GATEWAY_DEFAULT_PORT },
  { name: 'console', workspace: 'tools/console', port: CONSOLE_IMAGE_PORT },
] as const;

/** The console's image also bundles its front end in the build stage (as scripts/ensure-deps.sh does). */
const CONSOLE_WEB_BUILD = 'npm run build -w @accord/console';

const packages = readWorkspacePackages(ROOT);

function runs(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) => (i.getArgumentsContent() ?? '').replace(/\s+/g, ' '));
}

function stageNamed(model: DockerfileModel, name: string): Stage {
  const stage = model.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage named ${name}`);
  return stage;
}

/** The repository path a final-stage COPY source stands for (sources from a stage sit under /app there). */
function repoPath(from: string | undefined, source: string): string {
  if (from === undefined) return source;
  if (!source.startsWith(`${APP}/`)) throw new Error(`COPY --from=${from} ${source} is outside ${APP}`);
  return source.slice(APP.length + 1);
}

/** The npm install line of scripts/ensure-deps.sh, which the build stage must repeat. */
function ensureDepsInstall(): string {
  const line = readFileSync(join(ROOT, 'scripts', 'ensure-deps.sh'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('npm install '));
  if (!line) throw new Error('scripts/ensure-deps.sh has no npm install line');
  return line;
}

describe('deploy/docker', () => {
  it('holds one Dockerfile per image and no other', () => {
    const files = readdirSync(DOCKER_DIR).filter((f) => f.endsWith('.Dockerfile'));
    expect(files.sort()).toEqual(IMAGES.map((i) => `${i.name}.Dockerfile`).sort());
  });

  it("every image's build stage is the ledger's (BuildKit builds it once), the console's plus its front end", () => {
    const text = (stage: Stage) =>
      stage.instructions.map((i) => `${i.getKeyword()} ${i.getArgumentsContent() ?? ''}`.replace(/\s+/g, ' '));
    const reference = text(stageNamed(readDockerfile(join(DOCKER_DIR, 'ledger.Dockerfile')), 'build'));
    for (const image of IMAGES) {
      const build = text(stageNamed(readDockerfile(join(DOCKER_DIR, `${image.name}.Dockerfile`)), 'build'));
      const extra = image.name === 'console' ? [`RUN ${CONSOLE_WEB_BUILD} --silent`] : [];
      expect(build).toEqual([...reference, ...extra]);
    }
  });
});

describe.each(IMAGES)('$name.Dockerfile', ({ name, workspace, port }) => {
  const model = readDockerfile(join(DOCKER_DIR, `${name}.Dockerfile`));
  const dependencyDirs = runtimeWorkspaceDirs(packages, workspace);

  it('builds on a pinned node 20 slim image and runs on distroless node 20', () => {
    expect(model.stages.length).toBeGreaterThanOrEqual(2);
    expect(stageNamed(model, 'build').image).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
    expect(model.final.image).toBe('gcr.io/distroless/nodejs20-debian12:nonroot');
  });

  it('installs and compiles in the build stage as scripts/ensure-deps.sh does', () => {
    const build = runs(stageNamed(model, 'build'));
    expect(build.some((r) => r.includes(ensureDepsInstall()))).toBe(true);
    expect(build.some((r) => /\bnpm ci\b/.test(r))).toBe(false);
    expect(build).toContain('npx tsc -b tsconfig.build.json');
    if (name === 'console') expect(build).toContain(`${CONSOLE_WEB_BUILD} --silent`);
  });

  it(`keeps only ${workspace}'s production dependencies for the final stage`, () => {
    const runtime = runs(stageNamed(model, 'runtime'));
    expect(runtime.some((r) => r.includes(`--omit=dev --workspace=${workspace}`))).toBe(true);
  });

  it('runs the final stage as a numeric non-root user without npm, npx, tsc or apt-get', () => {
    expect(model.user).toBe(NON_ROOT_USER);
    // Distroless has no shell, so the final stage may not RUN anything at all.
    expect(model.final.instructions.filter((i) => i.getKeyword() === 'RUN')).toEqual([]);
    const commands = [...(model.cmd ?? []), ...(model.healthcheck ?? [])].join(' ');
    expect(commands).not.toMatch(/\b(npm|npx|tsc|apt-get)\b/);
  });

  it('copies exactly the workspace packages it needs at run time, and production node_modules', () => {
    const fromRuntime = model.copies.filter((c) => c.from === 'runtime').flatMap((c) => c.sources);
    const workspaces = fromRuntime.map((s) => repoPath('runtime', s)).filter((p) => p !== 'node_modules');
    expect(workspaces.sort()).toEqual(dependencyDirs);
    expect(fromRuntime).toContain(`${APP}/node_modules`);
  });

  it('copies only paths that exist in the build output, each to the same place under /app', () => {
    expect(model.final.instructions.find((i) => i.getKeyword() === 'WORKDIR')?.getArgumentsContent()).toBe(APP);
    const stageNames = model.stages.map((s) => s.name);
    const missing: string[] = [];
    for (const copy of model.copies) {
      if (copy.from !== undefined) expect(stageNames).toContain(copy.from);
      for (const source of copy.sources) {
        const path = repoPath(copy.from, source);
        expect(copy.destination).toBe(path);
        if (!existsSync(join(ROOT, path))) missing.push(path);
      }
    }
    for (const dir of dependencyDirs) {
      const main = [...packages.values()].find((p) => p.dir === dir)?.main ?? 'index.js';
      for (const path of [`${dir}/package.json`, `${dir}/${main}`]) {
        if (!existsSync(join(ROOT, path))) missing.push(path);
      }
    }
    if (name === 'console') {
      const web = 'tools/console/dist/web/index.html';
      if (!existsSync(join(ROOT, web))) missing.push(web);
    }
    // Empty after `bash scripts/ensure-deps.sh`; otherwise the image would copy a path its build does not make.
    expect(missing).toEqual([]);
  });

  it(`CMD runs ${workspace}/dist/main.js from the build output`, () => {
    const script = `${workspace}/dist/main.js`;
    expect(model.cmd).toEqual([script]);
    expect(existsSync(join(ROOT, script))).toBe(true);
  });

  it('HEALTHCHECK runs the copied health check script with node', () => {
    expect(model.healthcheck).toEqual([RUNTIME_NODE, `${APP}/${HEALTHCHECK_SCRIPT}`]);
    expect(model.copies).toContainEqual({
      from: undefined,
      sources: [HEALTHCHECK_SCRIPT],
      destination: HEALTHCHECK_SCRIPT,
    });
  });

  it(`exposes and listens on ${port} on all interfaces`, () => {
    expect(model.exposed).toEqual([port]);
    expect(model.env.get('ACCORD_HTTP_PORT')).toBe(String(port));
    expect(model.env.get('ACCORD_HTTP_HOST')).toBe('0.0.0.0');
  });

  it('keeps its data and HOME under /tmp, the only writable place with a read-only root filesystem', () => {
    expect(model.env.get('ACCORD_DATA_DIR')).toBe('/tmp/accord');
    expect(model.env.get('HOME')).toBe('/tmp');
  });
});
