// Process entry of the contracts service: `node dist/main.js` runs it until
// SIGTERM/SIGINT; `node dist/main.js openapi [file]` writes its OpenAPI document.
import { runServiceMain } from '@accord/service-kit';
import { contractsService } from './contracts.definition';

void runServiceMain(contractsService, process.argv.slice(2));
