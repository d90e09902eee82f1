import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  /** the class-validator constraint that failed, e.g. isNotEmpty */
  constraint: string;
  /** Chinese message for people */
  message: string;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => ({ field, constraint, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The global validation pipe: unknown fields are rejected, payloads are transformed to DTO classes,
 * and a failure is a 400 with every field, its constraint and a message (DTOs give Chinese messages).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: '提交的内容有误，请检查标注的字段',
        details: { fields: flatten(errors) },
      }),
  });
}
