// Checks that each Grafana dashboard JSON parses and has the shape Grafana's
// sidecar provisioning needs: a title and a uid (strings), a non-empty panels
// array, and every query panel (rows are walked into, text panels skipped)
// with at least one target carrying a PromQL expr. Which metrics the exprs
// name is checked against a running department by the observability spec.
//
// Usage: node check-dashboards.mjs FILE...
// Prints one line per dashboard; exits 1 if any is malformed.
import { readFileSync } from 'node:fs';

/** Panel types that show no query results, so carry no targets. */
const QUERYLESS_PANELS = new Set(['row', 'text', 'news', 'dashlist']);

/** Every panel, including the ones nested in collapsed rows. */
function allPanels(panels) {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** The problems found in one dashboard, empty when it is well-formed. */
function dashboardProblems(dashboard) {
  const problems = [];
  for (const key of ['title', 'uid']) {
    if (typeof dashboard[key] !== 'string' || dashboard[key].trim() === '') problems.push(`no ${key}`);
  }
  if (!Array.isArray(dashboard.panels) || dashboard.panels.length === 0) return [...problems, 'no panels'];
  for (const panel of allPanels(dashboard.panels)) {
    if (QUERYLESS_PANELS.has(panel.type)) continue;
    const label = `panel "${panel.title ?? panel.id ?? '?'}"`;
    if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
      problems.push(`${label} has no targets`);
    } else if (panel.targets.some((target) => typeof target.expr !== 'string' || target.expr.trim() === '')) {
      problems.push(`${label} has a target without an expr`);
    }
  }
  return problems;
}

function main(files) {
  if (files.length === 0) {
    console.log('ERROR no dashboard files given');
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    let problems;
    try {
      problems = dashboardProblems(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      problems = [`does not parse: ${error.message}`];
    }
    if (problems.length > 0) failed += 1;
    console.log(
      problems.length === 0 ? `INFO ${file} is a Grafana dashboard` : `ERROR ${file}: ${problems.join('; ')}`,
    );
  }
  return failed === 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
