// Process entry of the ledger service: `node dist/main.js` runs it until
// SIGTERM/SIGINT; `node dist/main.js openapi [file]` writes its OpenAPI document.
import { runServiceMain } from '@accord/service-kit';
import { ledgerService } from './ledger.definition';

void runServiceMain(ledgerService, process.argv.slice(2));
