import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidationError, type ValidatorOptions } from 'class-validator';
import { constraintCode, constraintMessage, FieldError, validationSummary } from './messages';

export type { FieldError } from './messages';

/** Where the pipe keeps the Chinese message it chose for each constraint of an error node. */
const MESSAGES = Symbol('fengqiao.validation.messages');
type Translated = ValidationError & { [MESSAGES]?: Record<string, string> };

/** The key @nestjs/swagger stores `@ApiProperty` options under (its DECORATORS.API_MODEL_PROPERTIES). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/** The 400 every invalid input becomes: `VALIDATION_FAILED` with every field, its code and a Chinese message. */
export function validationFailed(fields: FieldError[]): BadRequestException {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message: validationSummary(fields), details: { fields } });
}

/** `location.point.lat`, `attachments.0.ref`: the field paths clients already read. */
const pathOf = (parent: string, property: string): string => (parent ? `${parent}.${property}` : property);

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = pathOf(parent, e.property);
    const chosen = (e as Translated)[MESSAGES] ?? {};
    const own = Object.keys(e.constraints ?? {}).map((constraint) => ({
      field,
      constraint,
      code: constraintCode(constraint),
      message: chosen[constraint] ?? constraintMessage(constraint, field),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const isPlainClassInstance = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.constructor !== Object && typeof v.constructor === 'function';

const declaresNullable = (instance: object, key: string): boolean => {
  const options = Reflect.getMetadata(API_MODEL_PROPERTIES, Object.getPrototypeOf(instance), key) as { nullable?: boolean } | undefined;
  return options?.nullable === true;
};

function nodeAt(errors: ValidationError[], path: readonly string[], target: object): ValidationError {
  let level = errors;
  let node = new ValidationError();
  for (const property of path) {
    const found = level.find((e) => e.property === property);
    if (found) node = found;
    else {
      node = Object.assign(new ValidationError(), { property, children: [], target });
      level.push(node);
    }
    node.children ??= [];
    level = node.children;
  }
  return node;
}

/**
 * Explicit `null` in a DTO property that does not declare `nullable: true` (in `@ApiProperty`):
 * class-validator's `@IsOptional` lets null through, and a handler that expects "a string or
 * nothing" then fails on it. Each such field becomes a `nullNotAllowed` error, replacing whatever
 * else was said about it. Iterative over the (already depth-limited) DTO tree.
 */
function addNullErrors(root: object, errors: ValidationError[]): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
      continue;
    }
    if (!isPlainClassInstance(value)) continue;
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (child === null && !declaresNullable(value, key)) {
        const node = nodeAt(errors, [...path, key], value);
        node.constraints = { nullNotAllowed: 'null' };
        node.children = [];
      } else if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
}

interface RuleMetadata {
  propertyName: string;
  name?: string;
  type: string;
  constraints?: unknown[];
  message?: string | ((args: unknown) => string);
}

const CHINESE = /[\u4e00-\u9fff]/;
/** Constraints whose wording always comes from the catalogue (class-validator fills in English ones). */
const CATALOGUE_ONLY = new Set(['nullNotAllowed', 'nestedValidation', 'whitelistValidation', 'unknownValue']);

/**
 * Chooses the Chinese message of every constraint: the catalogue's, or a DTO's own wording where it
 * gives a Chinese one (an English DTO message never reaches a user).
 */
function translate(errors: ValidationError[], parent = ''): void {
  for (const e of errors as Translated[]) {
    const field = pathOf(parent, e.property);
    const target = e.target as object | undefined;
    const rules: RuleMetadata[] =
      target && typeof target.constructor === 'function'
        ? (getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false) as unknown as RuleMetadata[]).filter(
            (m) => m.propertyName === e.property,
          )
        : [];
    const chosen: Record<string, string> = {};
    for (const constraint of Object.keys(e.constraints ?? {})) {
      const rule = rules.find((m) => m.name === constraint || m.type === constraint);
      const own = typeof rule?.message === 'string' && CHINESE.test(rule.message) && !CATALOGUE_ONLY.has(constraint) ? rule.message : undefined;
      chosen[constraint] = own ?? constraintMessage(constraint, field, rule?.constraints ?? []);
    }
    e[MESSAGES] = chosen;
    delete e.target;
    delete e.value;
    translate(e.children ?? [], field);
  }
}

/**
 * The global validation pipe: unknown fields are rejected, payloads are transformed to DTO classes,
 * explicit null is refused where the DTO does not declare it, and a failure is a 400
 * `VALIDATION_FAILED` naming every field with its code and a Chinese message from the catalogue
 * (`messages.ts`). A body that is a JSON array where the route expects an object is refused as such.
 */
export class FengqiaoValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && Array.isArray(value) && metadata.metatype && this.toValidate(metadata)) {
      throw validationFailed([{ field: 'body', constraint: 'isObject', code: constraintCode('isObject'), message: constraintMessage('isObject', 'body') }]);
    }
    if (metadata.type !== 'query' && metadata.type !== 'param') return super.transform(value, metadata);
    try {
      return await super.transform(value, metadata);
    } catch (e) {
      throw withLocation(e, metadata.type === 'query' ? 'query' : 'path');
    }
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, { ...validatorOptions, validationError: { target: true, value: false } });
    addNullErrors(object, errors);
    translate(errors);
    return errors;
  }
}

/** Marks the fields of a validation failure as coming from the query string or the path. */
function withLocation(e: unknown, where: 'query' | 'path'): unknown {
  if (!(e instanceof BadRequestException)) return e;
  const body = e.getResponse() as { details?: { fields?: FieldError[] } };
  const fields = body.details?.fields;
  return Array.isArray(fields) ? validationFailed(fields.map((f) => ({ ...f, in: where }))) : e;
}

export function createValidationPipe(): ValidationPipe {
  return new FengqiaoValidationPipe();
}
