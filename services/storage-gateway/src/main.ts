// Process entry of the storage-gateway service: `node dist/main.js` runs it until
// SIGTERM/SIGINT; `node dist/main.js openapi [file]` writes its OpenAPI document.
import { runServiceMain } from '@accord/service-kit';
import { storageGatewayService } from './storage-gateway.definition';

void runServiceMain(storageGatewayService, process.argv.slice(2));
