import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpCode,
  Injectable,
  NestInterceptor,
  Post,
  UnauthorizedException,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { map, Observable } from 'rxjs';
import type { Principal } from '@fengqiao/identity';
import { DomainError } from '@fengqiao/kernel';
import type { Action } from '../auth/actions';
import { principalOfRequest, REQUIRED_ACTION, RequireAction } from '../auth/decorators';

/**
 * The HTTP side of the one command path: ETags, If-Match, correlation ids, the response shape and
 * the request DTOs every context shares. Contexts import these; they do not write their own.
 */

/** Longest reason, opinion or note a command takes (characters). */
export const MAX_REASON_LENGTH = 2000;

/** A resource's ETag: its stream revision, quoted (RFC 9110 strong validator). */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/**
 * The expected revision from an If-Match header: `"3"` (or `W/"3"`, `3`) → 3; absent, blank or `*`
 * → undefined (no precondition: a concurrent change makes the runner decide again). Anything that
 * is not one of our ETags cannot match the current one: 412 `COMMAND.IF_MATCH_INVALID`
 * (RFC 9110 §13.1.1), in every context.
 */
export function expectedRevisionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '' || value === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!m) {
    throw new DomainError('COMMAND.IF_MATCH_INVALID', `If-Match 无法识别：${value.slice(0, 40)}（应为读取时返回的 ETag，例如 "3"）`, 'revision_conflict', {
      ifMatch: value.slice(0, 40),
    });
  }
  return Number(m[1]);
}

/** Like `expectedRevisionOf`, but the header is required (publishing reference data): 412 `COMMAND.IF_MATCH_REQUIRED` without it. */
export function requiredRevisionOf(ifMatch: string | undefined): number {
  const revision = expectedRevisionOf(ifMatch);
  if (revision === undefined) {
    throw new DomainError('COMMAND.IF_MATCH_REQUIRED', '此操作须带 If-Match（读取时返回的 ETag），以免覆盖他人的修改', 'revision_conflict');
  }
  return revision;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CommandHttpRequest {
  id?: unknown;
  headers?: Record<string, unknown>;
}

/** The correlation id of a request (the logging middleware's, or a valid x-correlation-id header). */
export function requestCorrelationIdOf(req: CommandHttpRequest): string | undefined {
  if (typeof req.id === 'string' && CORRELATION_ID.test(req.id)) return req.id;
  const header = req.headers?.['x-correlation-id'];
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : undefined;
}

/** The request's correlation id: set by the logging middleware from x-correlation-id, or made up there. */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  requestCorrelationIdOf(ctx.switchToHttp().getRequest<CommandHttpRequest>()),
);

/**
 * What every case command takes from its HTTP request, apart from the body: who (the principal),
 * what (the route's action, from `@RequireAction`), the expected revision (If-Match, one dialect)
 * and the correlation id. Spread it into `CaseCommandRunner.run({ ...request, caseId, … })`.
 */
export interface CommandRequest {
  principal: Principal;
  action: Action;
  expectedRevision?: number | undefined;
  correlationId?: string | undefined;
}

/** Handler parameter: the `CommandRequest` of this request (401 without a principal). */
export const CommandRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandRequest => {
  const req = ctx.switchToHttp().getRequest<CommandHttpRequest>();
  const principal = principalOfRequest(req);
  if (!principal) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: '请先登录' });
  const action = Reflect.getMetadata(REQUIRED_ACTION, ctx.getHandler()) as Action | undefined;
  if (!action) throw new Error(`route ${ctx.getClass().name}.${ctx.getHandler().name} takes a CommandRequest but declares no @RequireAction`);
  const ifMatch = req.headers?.['if-match'];
  return {
    principal,
    action,
    expectedRevision: expectedRevisionOf(typeof ifMatch === 'string' ? ifMatch : undefined),
    correlationId: requestCorrelationIdOf(req),
  };
});

/** Sets the ETag header from the `revision` of what the route answers. */
@Injectable()
export class RevisionEtagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<HeaderResponse>();
    return next.handle().pipe(
      map((body: unknown) => {
        const revision = (body as { revision?: unknown } | null)?.revision;
        if (typeof revision === 'number') res.setHeader('ETag', etagOf(revision));
        return body;
      }),
    );
  }
}

/**
 * A case-command route: `POST <path>` answering 200 with `CaseCommandResponse` and its ETag,
 * guarded by `action`, documented with the If-Match header. With `@CommandRequest()` and the
 * runner, a use case's controller is its DTO and its command, nothing else.
 */
export function CaseCommandRoute(
  path: string,
  action: Action,
  doc: { summary: string; description?: string },
  response: new () => object = CaseCommandResponse,
) {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    RequireAction(action),
    UseInterceptors(RevisionEtagInterceptor),
    ApiOperation(doc),
    ApiHeader(IF_MATCH_HEADER),
    ApiOkResponse({ type: response, description: 'ETag 头为新的事件流版本' }),
  );
}

export interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/** OpenAPI description of the If-Match header every command takes. */
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: '读取时返回的 ETag（例如 "3"）；已被他人修改时返回 412，刷新后重试',
} as const;

/** What every case command answers; the ETag header carries `revision` too. */
export class CaseCommandResponse {
  @ApiProperty({ description: '案件编号（事件、调解案件或信访事项）' })
  caseId!: string;

  @ApiProperty({ description: '命令执行后的状态' })
  status!: string;

  @ApiProperty({ description: '事件流版本：新的 ETag，下一次命令的 If-Match' })
  revision!: number;

  @ApiProperty({ type: [String], description: '本次记录的事件；未改变任何内容时为空', example: ['CaseAccepted'] })
  events!: string[];
}

/** Commands whose reason is optional (recorded on the events when given). */
export class OptionalReasonRequest {
  @ApiPropertyOptional({ description: '说明（记入事件）', maxLength: MAX_REASON_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

/** Commands that must say why (an objection, a ruling, a suspension). */
export class RequiredReasonRequest {
  @ApiProperty({ description: '理由（记入事件）', maxLength: MAX_REASON_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REASON_LENGTH)
  reason!: string;
}

/** Commands that record a note (progress, a visit). */
export class NoteRequest {
  @ApiProperty({ description: '记录内容', maxLength: MAX_REASON_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REASON_LENGTH)
  note!: string;
}
