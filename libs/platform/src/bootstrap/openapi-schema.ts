/**
 * Helpers for response classes, so the OpenAPI document follows the TypeScript types it mirrors.
 */
import type { ApiPropertyOptions } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The values of a closed string union for an OpenAPI `enum`, each named once as a key: the compiler
 * refuses a missing or a stray one, so the document follows the type when a value is added.
 *   `@ApiProperty({ enum: enumOf<PartyRole>({ applicant: true, respondent: true, third_party: true }) })`
 */
export function enumOf<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

type PropertySchema = SchemaObject | ReferenceObject;
/** How `nullableObject` describes one property: its schema, wrapped in `{ optional }` where the type has it optional. */
export type NullableObjectFields<T extends object> = { [K in keyof T]-?: object extends Pick<T, K> ? { optional: PropertySchema } : PropertySchema };

/**
 * An object property that may be `null`, described inline: in OpenAPI 3.0 `nullable` holds only
 * within its own schema object, so `nullable` beside an `allOf` of a `$ref` (what `type: SomeClass,
 * nullable: true` gives) still refuses null in a strict validator. Every key of `T` is described
 * once (the compiler refuses a missing or a stray one), its optional keys wrapped in `{ optional }`;
 * a property is a plain schema (a response class by `{ $ref: getSchemaPath(DeadlineResponse) }`,
 * registered with `@ApiExtraModels`).
 */
export function nullableObject<T extends object>(fields: NullableObjectFields<T>, description?: string): ApiPropertyOptions {
  const properties: Record<string, PropertySchema> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(fields as Record<string, PropertySchema | { optional: PropertySchema }>)) {
    if ('optional' in field) properties[key] = field.optional;
    else {
      properties[key] = field;
      required.push(key);
    }
  }
  return { type: 'object', nullable: true, properties, required, ...(description ? { description } : {}) } as ApiPropertyOptions;
}

/**
 * The `properties` of an object schema, one for every key of `T` (the compiler refuses a missing or a
 * stray one): a field added to a view's type fails the build until its response schema names it, since
 * a client generated with strict models refuses a body with a field its model lacks.
 */
export function propertiesOf<T extends object>(properties: { [K in keyof T]-?: PropertySchema }): Record<string, PropertySchema> {
  return properties;
}
