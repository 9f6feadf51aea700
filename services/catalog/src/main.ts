// Process entry of the catalog service: `node dist/main.js` runs it until
// SIGTERM/SIGINT; `node dist/main.js openapi [file]` writes its OpenAPI document.
import { runServiceMain } from '@accord/service-kit';
import { catalogService } from './catalog.definition';

void runServiceMain(catalogService, process.argv.slice(2));
