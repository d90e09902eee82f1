import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { RecordCallbackRequest } from './record-callback.request.dto';

/** 回访: the centre records the reporter's rating. Who may: the role table (`case.callback`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class RecordCallbackController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/callback', 'case.callback', { summary: '回访评价（1–5）' })
  callback(@Param('caseId') caseId: string, @Body() body: RecordCallbackRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({
        type: 'RecordCallback',
        data: { caseId, rating: body.rating, satisfied: body.satisfied, ...(body.comment !== undefined ? { comment: body.comment } : {}) },
        meta,
      }),
    });
  }
}
