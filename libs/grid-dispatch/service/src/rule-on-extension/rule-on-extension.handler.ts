import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@fengqiao/kernel';
import { CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { GridCases } from '../application/grid-cases';
import { RuleOnExtensionRequest } from './rule-on-extension.request.dto';

/** 审批延期: granted moves the handling deadline (by default as requested); denied takes no length. */
@Injectable()
export class RuleOnExtensionHandler {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  handle(caseId: string, body: RuleOnExtensionRequest, request: CommandRequest): Promise<CaseCommandResult> {
    const { decision, duration, unit } = body;
    if (decision === 'denied' && (duration !== undefined || unit !== undefined)) {
      throw new ValidationError('GRID_DISPATCH.EXTENSION_LENGTH_NOT_ALLOWED', '不同意延期时不能填写延期时长', { decision });
    }
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({
        type: 'RuleOnExtension',
        data: { caseId, decision, ...(duration !== undefined ? { duration } : {}), ...(unit !== undefined ? { unit } : {}) },
        meta,
      }),
    });
  }
}
