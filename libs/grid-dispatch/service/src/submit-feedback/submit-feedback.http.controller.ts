import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { attachmentsOf } from '../application/attachment.request.dto';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { SubmitFeedbackRequest } from './submit-feedback.request.dto';

/** 反馈: the assigned unit reports the result. Who may: the role table (`case.feedback`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class SubmitFeedbackController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/feedback', 'case.feedback', { summary: '反馈办理结果' })
  feedback(@Param('caseId') caseId: string, @Body() body: SubmitFeedbackRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'SubmitFeedback', data: { caseId, result: body.result, ...attachmentsOf(body.attachments) }, meta }),
    });
  }
}
