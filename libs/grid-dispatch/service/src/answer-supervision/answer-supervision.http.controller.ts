import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { AnswerSupervisionRequest } from './answer-supervision.request.dto';

/** 答复督办: the assigned unit answers a supervision. Who may: the role table (`case.answer_supervision`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class AnswerSupervisionController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/answer-supervision', 'case.answer_supervision', { summary: '答复督办' })
  answerSupervision(
    @Param('caseId') caseId: string,
    @Body() body: AnswerSupervisionRequest,
    @CommandRequest() request: CommandRequest,
  ): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'AnswerSupervision', data: { caseId, supervisionId: body.supervisionId, answer: body.answer }, meta }),
    });
  }
}
