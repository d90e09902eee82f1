import { Body, Inject, Param } from '@nestjs/common';
import { CaseCommandResult, CaseCommandRoute, CommandRequest } from '@fengqiao/platform';
import { GridCaseCommands } from '../application/grid-case-commands';
import { RuleOnExtensionHandler } from './rule-on-extension.handler';
import { RuleOnExtensionRequest } from './rule-on-extension.request.dto';

@GridCaseCommands()
export class RuleOnExtensionController {
  constructor(@Inject(RuleOnExtensionHandler) private readonly handler: RuleOnExtensionHandler) {}

  @CaseCommandRoute(':caseId/rule-extension', 'case.rule_extension', { summary: '审批延期' })
  ruleExtension(@Param('caseId') caseId: string, @Body() body: RuleOnExtensionRequest, @CommandRequest() request: CommandRequest): Promise<CaseCommandResult> {
    return this.handler.handle(caseId, body, request);
  }
}
