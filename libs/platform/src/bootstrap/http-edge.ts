import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ModuleRef } from '@nestjs/core';
import { isUtf8 } from 'node:buffer';
import { jsonDepthExceeds, TEXT_LIMITS } from '@fengqiao/contracts';
import { DomainErrorFilter, PREFIX_ERROR_FILTERS, type PrefixErrorFilter } from '../errors/domain-error.filter';
import { InputSafetyGuard } from '../errors/input-safety.guard';
import { createValidationPipe } from '../errors/validation.pipe';

export const BODY_LIMIT = '256kb';

/** A JSON body nested deeper than `TEXT_LIMITS.maxDepth`, refused by the body parser before it is parsed. */
export class BodyTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';
  constructor(readonly limit: number) {
    super(`request body nested deeper than ${limit} levels`);
    this.name = 'BodyTooDeepError';
  }
}

/**
 * A body declared (or defaulted) UTF-8 whose bytes are not UTF-8 (`\xff`, an overlong `\xc0\x80`,
 * a CESU-encoded surrogate): refused, where the decoder would have replaced each bad byte with
 * U+FFFD and the handler stored a text the sender never wrote.
 */
export class BodyNotUtf8Error extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.encoding.invalid';
  constructor() {
    super('request body is not valid UTF-8');
    this.name = 'BodyNotUtf8Error';
  }
}

/** body-parser's `verify` hook: runs on the raw bytes, before they are decoded and parsed. */
function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(buf)) throw new BodyNotUtf8Error();
  if (jsonDepthExceeds(buf, TEXT_LIMITS.maxDepth)) throw new BodyTooDeepError(TEXT_LIMITS.maxDepth);
}

/**
 * What every HTTP request of every service passes through, in order: the JSON and form body
 * parsers (size limit; JSON nesting limited on the raw bytes, so a 5,000-deep body is a 400
 * before any recursive code sees it), the token guard (registered by AuthModule), the input-safety
 * guard, the validation pipe, and the one error filter (with the route families that answer errors
 * in their own shape, `PREFIX_ERROR_FILTERS`, where a hosted module provides them).
 */
export function configureHttpEdge(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: BODY_LIMIT, verify: refuseDeepJson });
  express.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: true, depth: 8 });
  app.useGlobalGuards(new InputSafetyGuard());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainErrorFilter(prefixErrorFilters(app)));
}

function prefixErrorFilters(app: INestApplication): readonly PrefixErrorFilter[] {
  try {
    // through ModuleRef, not app.get: the application's proxy logs a missing provider as an error
    // before rethrowing, and most services have no such provider
    return app.get(ModuleRef).get<readonly PrefixErrorFilter[]>(PREFIX_ERROR_FILTERS, { strict: false });
  } catch {
    return []; // no hosted module has a shape of its own
  }
}
