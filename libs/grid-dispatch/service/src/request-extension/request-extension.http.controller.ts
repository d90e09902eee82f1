import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { RequestExtensionRequest } from './request-extension.request.dto';

/** 延期申请: the assigned unit asks for more time before the handling deadline. Who may: the role table (`case.request_extension`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class RequestExtensionController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/request-extension', 'case.request_extension', { summary: '申请延期（办理期限届满前）' })
  requestExtension(
    @Param('caseId') caseId: string,
    @Body() body: RequestExtensionRequest,
    @CommandRequest() request: CommandRequest,
  ): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'RequestExtension', data: { caseId, duration: body.duration, unit: body.unit }, meta }),
    });
  }
}
