import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's workspace folders (the root package.json's `workspaces`: libs/*, services/*, tools/*). */
const WORKSPACE_GROUPS = ['libs', 'services', 'tools'];

interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `libs/protocol`. */
  readonly dir: string;
  readonly main: string;
  /** Names of the other workspace packages among its production `dependencies`. */
  readonly workspaceDependencies: readonly string[];
}

interface PackageJson {
  readonly name: string;
  readonly main?: string;
  readonly dependencies?: Record<string, string>;
}

/** Every workspace package by name, read from its package.json. */
export function readWorkspacePackages(root: string): ReadonlyMap<string, WorkspacePackage> {
  const byName = new Map<string, PackageJson & { dir: string }>();
  for (const group of WORKSPACE_GROUPS) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = `${group}/${entry.name}`;
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as PackageJson;
      byName.set(pkg.name, { ...pkg, dir });
    }
  }
  return new Map(
    [...byName].map(([name, pkg]) => [
      name,
      {
        dir: pkg.dir,
        main: pkg.main ?? 'index.js',
        workspaceDependencies: Object.keys(pkg.dependencies ?? {}).filter((dep) => byName.has(dep)),
      },
    ]),
  );
}

/** The folders of a workspace package and of every workspace package it needs at run time, sorted. */
export function runtimeWorkspaceDirs(packages: ReadonlyMap<string, WorkspacePackage>, dir: string): string[] {
  const start = [...packages].find(([, pkg]) => pkg.dir === dir)?.[0];
  if (!start) throw new Error(`${dir} is not a workspace package`);
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of packages.get(name)?.workspaceDependencies ?? []) visit(dep);
  };
  visit(start);
  return [...seen].map((name) => packages.get(name)?.dir ?? name).sort();
}
