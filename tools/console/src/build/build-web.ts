import { buildWebBundle, WEB_DIST } from './web-bundle';

/** `node dist/build/build-web.js`: builds the console's front end into dist/web (the package's `build` script). */
buildWebBundle().then(
  () => process.stderr.write(`[accord] console front end built into ${WEB_DIST}\n`),
  (error: unknown) => {
    process.stderr.write(`console front end build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
