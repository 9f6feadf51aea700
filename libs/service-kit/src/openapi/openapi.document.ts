import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { ServiceDefinition } from '../bootstrap/service-definition';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_UI_PATH = '/docs';

/** The service's OpenAPI 3 document, from its controllers and decorators. */
export function createOpenApiDocument(
  app: INestApplication,
  definition: ServiceDefinition<never> | ServiceDefinition,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(definition.title)
    .setDescription(definition.description ?? `${definition.title} API`)
    .setVersion(definition.version)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'API token of the department (its token store: ACCORD_API_TOKENS_FILE or ACCORD_API_TOKENS)',
    })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document at GET /openapi.json and a browsable UI at /docs (both public). */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(OPENAPI_UI_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: document.info.title,
  });
}
