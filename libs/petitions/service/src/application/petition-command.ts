import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { CommandMeta } from '@fengqiao/kernel';
import {
  Action,
  CaseCommandResult,
  etagOf,
  expectedRevisionOf,
  HeaderResponse,
  LoadedCase,
  principalOfRequest,
  requestCorrelationIdOf,
  type CommandHttpRequest,
} from '@fengqiao/platform';
import { PetitionCommand, PetitionState, RegisteredPetition } from '@fengqiao/petitions-domain';
import type { PetitionsContext } from '../petitions.context';

/** One petition command from HTTP, as every use-case controller sends it. */
export interface PetitionCommandRequest {
  petitionId: string;
  principal: Principal;
  action: Action;
  ifMatch: string | undefined;
  correlationId: string | undefined;
  reason?: string | undefined;
  res: HeaderResponse;
}

/** What a petition command route takes from its request apart from the body and the action: `:id`, caller, If-Match, correlation id, response (for the ETag). */
export type PetitionCall = Omit<PetitionCommandRequest, 'action' | 'reason'>;

/** Handler parameter: the `PetitionCall` of this request (401 without a principal). */
export const PetitionCall = createParamDecorator((_: unknown, ctx: ExecutionContext): PetitionCall => {
  const req = ctx.switchToHttp().getRequest<CommandHttpRequest & { params: Record<string, string> }>();
  const principal = principalOfRequest(req);
  if (!principal) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: '请先登录' });
  const ifMatch = req.headers?.['if-match'];
  return {
    petitionId: req.params['id'] ?? '',
    principal,
    ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined,
    correlationId: requestCorrelationIdOf(req),
    res: ctx.switchToHttp().getResponse<HeaderResponse>(),
  };
});

type Data<T extends PetitionCommand['type']> = Extract<PetitionCommand, { type: T }>['data'];

/**
 * Runs a petition command through the platform's one command path (load once, authorise on that
 * state, decide, append with If-Match, views caught up) and sets the ETag. `data` may look at the
 * loaded petition (e.g. to check a unit against it).
 */
export async function runPetitionCommand<T extends PetitionCommand['type']>(
  ctx: PetitionsContext,
  req: PetitionCommandRequest,
  type: T,
  data: Data<T> | ((petition: RegisteredPetition, loaded: LoadedCase<PetitionState>) => Data<T>),
): Promise<CaseCommandResult> {
  const result = await ctx.runner.run({
    caseId: req.petitionId,
    principal: req.principal,
    action: req.action,
    expectedRevision: expectedRevisionOf(req.ifMatch),
    correlationId: req.correlationId,
    reason: req.reason,
    command: (loaded, meta: CommandMeta) => {
      const payload =
        typeof data === 'function'
          ? (data as (p: RegisteredPetition, l: LoadedCase<PetitionState>) => Data<T>)(loaded.state as RegisteredPetition, loaded)
          : data;
      return { type, data: payload, meta } as unknown as PetitionCommand;
    },
  });
  req.res.setHeader('ETag', etagOf(result.revision));
  return result;
}
