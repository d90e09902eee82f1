import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { ArchiveCaseRequest } from './archive-case.request.dto';

/** 归档: a finished case goes to the archive. Who may: the role table (`case.archive`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class ArchiveCaseController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/archive', 'case.archive', { summary: '归档' })
  archive(@Param('caseId') caseId: string, @Body() body: ArchiveCaseRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({ ...request, caseId, reason: body.reason, command: (_, meta) => ({ type: 'ArchiveCase', data: { caseId }, meta }) });
  }
}
