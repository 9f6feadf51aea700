// Validates the prometheus-operator resources (ServiceMonitor, PrometheusRule)
// in rendered manifests against validators generated from their CRD schemas
// (npm @kubernetes-models/prometheus-operator), which kubernetes-validate does
// not bundle. Checks types, required fields, enums and patterns; the CRD
// schemas do not forbid unknown fields, so neither does this.
//
// Usage: node validate-crds.mjs CRD_DIR FILE...
//   CRD_DIR: where ensure-tools.sh installed the npm packages
// Prints one line per resource checked; exits 1 if any is invalid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Kinds this script owns, by apiVersion/kind; check.sh skips them in kubernetes-validate. */
const CRD_KINDS = ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'];

/** Loads a package from the cache folder (it is not a dependency of the repository). */
function importFrom(crdDir, subpath) {
  return import(pathToFileURL(join(crdDir, 'node_modules', subpath)).href);
}

async function main([crdDir, ...files]) {
  if (!crdDir || files.length === 0) throw new Error('usage: validate-crds.mjs CRD_DIR FILE...');
  const { parseAllDocuments } = await importFrom(crdDir, 'yaml/dist/index.js');
  const v1 = await importFrom(crdDir, '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/index.js');
  let checked = 0;
  let failed = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const resource = doc.toJS();
      if (!resource || !CRD_KINDS.includes(`${resource.apiVersion}/${resource.kind}`)) continue;
      checked += 1;
      const name = `${resource.kind.toLowerCase()}/${resource.metadata?.name}`;
      try {
        new v1[resource.kind](resource).validate();
        console.log(`INFO ${file} passed for resource ${name} against its CRD schema`);
      } catch (error) {
        failed += 1;
        console.log(`ERROR ${file} did not validate for resource ${name} against its CRD schema: ${error.message}`);
      }
    }
  }
  console.log(`${checked} CRD resource(s) checked, ${failed} invalid`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`ERROR ${error.message}`);
    process.exit(2);
  },
);
