import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { attachmentsOf } from '../application/attachment.request.dto';
import { GridCaseCommands } from '../application/grid-case-commands';
import { GridCases } from '../application/grid-cases';
import { NoteProgressRequest } from './note-progress.request.dto';

/** 处置进展: the assigned unit records how handling goes. Who may: the role table (`case.handle`), the case's jurisdiction, then the decider. */
@GridCaseCommands()
export class NoteProgressController {
  constructor(@Inject(GridCases) private readonly cases: GridCases) {}

  @CaseCommandRoute(':caseId/progress', 'case.handle', { summary: '记录办理进展' })
  progress(@Param('caseId') caseId: string, @Body() body: NoteProgressRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.cases.run({
      ...request,
      caseId,
      reason: body.reason,
      command: (_, meta) => ({ type: 'NoteProgress', data: { caseId, note: body.note, ...attachmentsOf(body.attachments) }, meta }),
    });
  }
}
