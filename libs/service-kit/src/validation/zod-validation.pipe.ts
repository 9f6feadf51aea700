import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { RequestValidationError } from '../errors/accord.errors';

type Location = 'body' | 'query' | 'params';

/**
 * Validates and parses a request part with a zod schema (the same tool as
 * config), turning failures into RequestValidationError (400 with one reason
 * per field). The parsed, typed value reaches the handler.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: Location = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new RequestValidationError(
      result.error.issues.map((issue) => ({
        field: [this.location, ...issue.path.map(String)].join('.'),
        reason: issue.message,
      })),
    );
  }
}

/** JSON schema of a zod schema in the OpenAPI 3.0 dialect, for @ApiBody/@ApiResponse. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

// Parameter decorators also document the schema on the method, so the
// OpenAPI document and the validation never drift apart.
function describeOnMethod(target: object, key: string | symbol | undefined, decorate: MethodDecorator): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) decorate(target, key, descriptor);
}

const VALIDATION_DOCUMENTED = 'accord:validation-failure-documented';

/** Documents the 400 a failed validation answers, once per method however many parts it validates. */
function describeValidationFailure(target: object, key: string | symbol | undefined): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || Reflect.getMetadata(VALIDATION_DOCUMENTED, descriptor.value)) return;
  Reflect.defineMetadata(VALIDATION_DOCUMENTED, true, descriptor.value);
  ApiBadRequestResponse({
    description: 'validation_failed: a malformed path, query or body (details.issues: [{field, reason}])',
  })(target, key, descriptor);
}

/** `@ZodBody(schema) body: z.output<typeof schema>`: validated JSON body, documented in OpenAPI. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, 'body'))(target, key, index);
    describeOnMethod(target, key, ApiBody({ schema: openApiSchema(schema) }));
    describeValidationFailure(target, key);
  };
}

/** `@ZodQuery(schema) query`: validated query string (values arrive as strings; use z.coerce). */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema, 'query'))(target, key, index);
    for (const [name, field] of Object.entries(schema.shape)) {
      describeOnMethod(
        target,
        key,
        ApiQuery({
          name,
          required: !(field as z.ZodType).safeParse(undefined).success,
          schema: openApiSchema(field as z.ZodType),
        }),
      );
    }
    describeValidationFailure(target, key);
  };
}

/** `@ZodParams(schema) params`: validated path parameters. */
export function ZodParams(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Param(new ZodValidationPipe(schema, 'params'))(target, key, index);
    describeValidationFailure(target, key);
  };
}
