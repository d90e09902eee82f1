import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { RuleOnObjectionHandler } from './rule-on-objection.handler';
import { RuleOnObjectionRequest } from './rule-on-objection.request.dto';

@GridCaseCommands()
export class RuleOnObjectionController {
  constructor(@Inject(RuleOnObjectionHandler) private readonly handler: RuleOnObjectionHandler) {}

  @CaseCommandRoute(':caseId/rule-objection', 'case.rule_objection', { summary: '裁定退单：成立则改派，不成立则仍由原单位办理' })
  ruleObjection(@Param('caseId') caseId: string, @Body() body: RuleOnObjectionRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}
