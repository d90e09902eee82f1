import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AttachmentRef, GridCaseCommand, toGridCaseStreamId } from '@fengqiao/grid-dispatch-domain';
import type { Principal } from '@fengqiao/identity';
import { CommandMeta, newId, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { Action, actorOf, assertInJurisdiction, CurrentPrincipal, RequireAction } from '@fengqiao/platform';
import { assertKnownUnit } from '../directory/unit-directory';
import { GRID_DISPATCH, GridDispatchContext } from '../grid-dispatch.context';
import { etagOf, HeaderResponse, revisionFromIfMatch } from '../http/etag';
import { DISPATCH_UNIT_KINDS } from '../reference-data/routing-rules';
import {
  AcceptRequest,
  AttachmentRequest,
  AnswerSupervisionRequest,
  ArchiveRequest,
  CallbackRequest,
  CloseRequest,
  DispatchRequest,
  EscalateRequest,
  FeedbackRequest,
  MergeRequest,
  ObjectRequest,
  ProgressRequest,
  ReferRequest,
  ReopenRequest,
  RequestExtensionRequest,
  ResumeRequest,
  RuleExtensionRequest,
  RuleObjectionRequest,
  SuperviseRequest,
  SuspendRequest,
  VerifyRequest,
} from './case-commands.request.dto';

export interface CommandResponse {
  caseId: string;
  /** status after the command */
  status: string;
  /** stream revision after the command (also the ETag) */
  revision: number;
  /** event types the command appended (empty when it changed nothing) */
  appended: string[];
}

type Build = (meta: CommandMeta) => GridCaseCommand;

/** Plain attachment refs (DTO instances carry `undefined` for absent optional fields). */
function attachmentsOf(list: AttachmentRequest[]): AttachmentRef[] {
  return list.map((a) => ({ ref: a.ref, ...(a.mediaType !== undefined ? { mediaType: a.mediaType } : {}), ...(a.name !== undefined ? { name: a.name } : {}) }));
}

/** The level of the centre an operator works at, from their unit (district / town / village). */
function centreLevelOf(principal: Principal, kind: string | undefined): 'district' | 'town' | 'village' {
  if (kind === 'district' || kind === 'town' || kind === 'village') return kind;
  return principal.unitPath.length <= 1 ? 'district' : principal.unitPath.length === 2 ? 'town' : 'village';
}

/**
 * The work-order commands over HTTP. Each route: role × action (guard), then the case's
 * jurisdiction, then the decider (state, assigned unit, reasons), then the append with the
 * revision of `If-Match` when given (412 when stale). The answer carries the new revision as ETag.
 */
@ApiTags('grid-dispatch')
@ApiBearerAuth()
@ApiHeader({ name: 'If-Match', required: false, description: '工单的版本（GET 返回的 ETag）；版本已变化时返回 412' })
@Controller('grid-dispatch/cases/:caseId')
export class CaseCommandsController {
  constructor(@Inject(GRID_DISPATCH) private readonly gd: GridDispatchContext) {}

  private async run(
    action: Action,
    caseId: string,
    principal: Principal,
    ifMatch: string | undefined,
    req: { id?: unknown },
    res: HeaderResponse,
    build: Build,
    reason?: string,
    /** checks of the request that need the case to be in the caller's jurisdiction first */
    precheck?: () => void | Promise<void>,
  ): Promise<CommandResponse> {
    const expected = revisionFromIfMatch(ifMatch);
    const loaded = await this.gd.workOrders.load(caseId);
    if (loaded.state.status === 'none') throw new NotFoundError('GRID_CASE.NOT_FOUND', `工单 ${caseId} 不存在`, { caseId });
    assertInJurisdiction(principal, loaded.jurisdiction, action, { type: 'case', id: caseId });
    await precheck?.();
    const correlationId = typeof req.id === 'string' ? req.id : newId();
    const meta: CommandMeta = {
      actor: actorOf(principal, action),
      now: this.gd.clock.now().toISOString(),
      correlationId,
      causationId: correlationId,
      ...(reason !== undefined && reason.trim() !== '' ? { reason: reason.trim() } : {}),
    };
    const command = build(meta);
    const result = await this.gd.workOrders.execute(command, {
      ...(expected !== undefined ? { expectedRevision: expected < 0 ? 'no_stream' : expected } : {}),
    });
    await this.gd.viewsCaughtUp(result.lastPosition);
    const revision = result.revision === 'no_stream' ? -1 : result.revision;
    res.setHeader('ETag', etagOf(result.revision));
    return { caseId, status: result.state.status, revision, appended: result.appended.map((e) => e.type) };
  }

  @Post('dispatch')
  @HttpCode(200)
  @RequireAction('case.dispatch')
  @ApiOperation({ summary: '派单（人工派单，含无法自动派单的事件）' })
  dispatch(
    @Param('caseId') caseId: string,
    @Body() body: DispatchRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.dispatch', caseId, p, ifMatch, req, res, (meta) => ({ type: 'DispatchCase', data: { caseId, unitId: body.unitId }, meta }), body.reason, () =>
      assertKnownUnit(this.gd.directory(), body.unitId, 'unitId', DISPATCH_UNIT_KINDS),
    );
  }

  @Post('accept')
  @HttpCode(200)
  @RequireAction('case.accept')
  @ApiOperation({ summary: '签收' })
  accept(
    @Param('caseId') caseId: string,
    @Body() body: AcceptRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.accept', caseId, p, ifMatch, req, res, (meta) => ({ type: 'AcceptDispatch', data: { caseId }, meta }), body.reason);
  }

  @Post('object')
  @HttpCode(200)
  @RequireAction('case.object')
  @ApiOperation({ summary: '退单（须说明理由）' })
  object(
    @Param('caseId') caseId: string,
    @Body() body: ObjectRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.object', caseId, p, ifMatch, req, res, (meta) => ({ type: 'ObjectToDispatch', data: { caseId }, meta }), body.reason);
  }

  @Post('rule-objection')
  @HttpCode(200)
  @RequireAction('case.rule_objection')
  @ApiOperation({ summary: '裁定退单：成立则改派，不成立则仍由原单位办理' })
  ruleObjection(
    @Param('caseId') caseId: string,
    @Body() body: RuleObjectionRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.rule_objection',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'RuleOnObjection', data: { caseId, decision: body.decision, ...(body.newUnitId !== undefined ? { newUnitId: body.newUnitId } : {}) }, meta }),
      body.reason,
      () => {
        if (body.decision === 'upheld' && body.newUnitId) assertKnownUnit(this.gd.directory(), body.newUnitId, 'newUnitId', DISPATCH_UNIT_KINDS);
      },
    );
  }

  @Post('progress')
  @HttpCode(200)
  @RequireAction('case.handle')
  @ApiOperation({ summary: '记录办理进展' })
  progress(
    @Param('caseId') caseId: string,
    @Body() body: ProgressRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.handle',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'NoteProgress', data: { caseId, note: body.note, ...(body.attachments ? { attachments: attachmentsOf(body.attachments) } : {}) }, meta }),
      body.reason,
    );
  }

  @Post('request-extension')
  @HttpCode(200)
  @RequireAction('case.request_extension')
  @ApiOperation({ summary: '申请延期（办理期限届满前）' })
  requestExtension(
    @Param('caseId') caseId: string,
    @Body() body: RequestExtensionRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.request_extension',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'RequestExtension', data: { caseId, duration: body.duration, unit: body.unit }, meta }),
      body.reason,
    );
  }

  @Post('rule-extension')
  @HttpCode(200)
  @RequireAction('case.rule_extension')
  @ApiOperation({ summary: '审批延期' })
  ruleExtension(
    @Param('caseId') caseId: string,
    @Body() body: RuleExtensionRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    if (body.decision === 'denied' && (body.duration !== undefined || body.unit !== undefined)) {
      throw new ValidationError('GRID_DISPATCH.EXTENSION_LENGTH_NOT_ALLOWED', '不同意延期时不能填写延期时长', { decision: body.decision });
    }
    return this.run(
      'case.rule_extension',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({
        type: 'RuleOnExtension',
        data: { caseId, decision: body.decision, ...(body.duration !== undefined ? { duration: body.duration } : {}), ...(body.unit !== undefined ? { unit: body.unit } : {}) },
        meta,
      }),
      body.reason,
    );
  }

  @Post('suspend')
  @HttpCode(200)
  @RequireAction('case.suspend')
  @ApiOperation({ summary: '挂账（办理时限停止计算）' })
  suspend(
    @Param('caseId') caseId: string,
    @Body() body: SuspendRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.suspend', caseId, p, ifMatch, req, res, (meta) => ({ type: 'SuspendCase', data: { caseId }, meta }), body.reason);
  }

  @Post('resume')
  @HttpCode(200)
  @RequireAction('case.suspend')
  @ApiOperation({ summary: '恢复办理（重新计算办理时限）' })
  resume(
    @Param('caseId') caseId: string,
    @Body() body: ResumeRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.suspend', caseId, p, ifMatch, req, res, (meta) => ({ type: 'ResumeCase', data: { caseId }, meta }), body.reason);
  }

  @Post('feedback')
  @HttpCode(200)
  @RequireAction('case.feedback')
  @ApiOperation({ summary: '反馈办理结果' })
  feedback(
    @Param('caseId') caseId: string,
    @Body() body: FeedbackRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.feedback',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'SubmitFeedback', data: { caseId, result: body.result, ...(body.attachments ? { attachments: attachmentsOf(body.attachments) } : {}) }, meta }),
      body.reason,
    );
  }

  @Post('verify')
  @HttpCode(200)
  @RequireAction('case.verify')
  @ApiOperation({ summary: '核查：通过，或不通过返工' })
  verify(
    @Param('caseId') caseId: string,
    @Body() body: VerifyRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.verify',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'VerifyCase', data: { caseId, passed: body.result === 'pass', findings: body.findings }, meta }),
      body.reason,
    );
  }

  @Post('close')
  @HttpCode(200)
  @RequireAction('case.close')
  @ApiOperation({ summary: '结案' })
  close(
    @Param('caseId') caseId: string,
    @Body() body: CloseRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.close', caseId, p, ifMatch, req, res, (meta) => ({ type: 'CloseCase', data: { caseId, summary: body.summary }, meta }), body.reason);
  }

  @Post('callback')
  @HttpCode(200)
  @RequireAction('case.callback')
  @ApiOperation({ summary: '回访评价（1–5）' })
  callback(
    @Param('caseId') caseId: string,
    @Body() body: CallbackRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.callback',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({
        type: 'RecordCallback',
        data: { caseId, rating: body.rating, satisfied: body.satisfied, ...(body.comment !== undefined ? { comment: body.comment } : {}) },
        meta,
      }),
      body.reason,
    );
  }

  @Post('archive')
  @HttpCode(200)
  @RequireAction('case.archive')
  @ApiOperation({ summary: '归档' })
  archive(
    @Param('caseId') caseId: string,
    @Body() body: ArchiveRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.archive', caseId, p, ifMatch, req, res, (meta) => ({ type: 'ArchiveCase', data: { caseId }, meta }), body.reason);
  }

  @Post('reopen')
  @HttpCode(200)
  @RequireAction('case.reopen')
  @ApiOperation({ summary: '重新打开（须说明理由），重新派单' })
  reopen(
    @Param('caseId') caseId: string,
    @Body() body: ReopenRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.reopen', caseId, p, ifMatch, req, res, (meta) => ({ type: 'ReopenCase', data: { caseId }, meta }), body.reason);
  }

  @Post('merge')
  @HttpCode(200)
  @RequireAction('case.merge')
  @ApiOperation({ summary: '合并为重复事件' })
  merge(
    @Param('caseId') caseId: string,
    @Body() body: MergeRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.merge', caseId, p, ifMatch, req, res, (meta) => ({ type: 'MergeAsDuplicate', data: { caseId, duplicateOf: body.duplicateOf }, meta }), body.reason, async () => {
      if ((await this.gd.runtime.infra.events.streamRevision(toGridCaseStreamId(body.duplicateOf))) === 'no_stream') {
        throw new ValidationError('GRID_DISPATCH.UNKNOWN_DUPLICATE', `重复事件 ${body.duplicateOf} 不存在`, { field: 'duplicateOf', duplicateOf: body.duplicateOf });
      }
    });
  }

  @Post('refer')
  @HttpCode(200)
  @RequireAction('case.refer')
  @ApiOperation({ summary: '转人民调解或转信访（须说明理由）' })
  refer(
    @Param('caseId') caseId: string,
    @Body() body: ReferRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.refer', caseId, p, ifMatch, req, res, (meta) => ({ type: 'ReferCase', data: { caseId, target: body.target }, meta }), body.reason);
  }

  @Post('supervise')
  @HttpCode(200)
  @RequireAction('case.supervise')
  @ApiOperation({ summary: '督办（以本级综治中心的名义）' })
  supervise(
    @Param('caseId') caseId: string,
    @Body() body: SuperviseRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    const level = centreLevelOf(p, this.gd.directory()?.unit(p.unitId)?.kind);
    return this.run(
      'case.supervise',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'SuperviseCase', data: { caseId, supervisionId: newId(), level }, meta }),
      body.opinion,
    );
  }

  @Post('answer-supervision')
  @HttpCode(200)
  @RequireAction('case.answer_supervision')
  @ApiOperation({ summary: '答复督办' })
  answerSupervision(
    @Param('caseId') caseId: string,
    @Body() body: AnswerSupervisionRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run(
      'case.answer_supervision',
      caseId,
      p,
      ifMatch,
      req,
      res,
      (meta) => ({ type: 'AnswerSupervision', data: { caseId, supervisionId: body.supervisionId, answer: body.answer }, meta }),
      body.reason,
    );
  }

  @Post('escalate')
  @HttpCode(200)
  @RequireAction('case.escalate')
  @ApiOperation({ summary: '提级办理（村居 → 街镇 → 区，须说明理由）' })
  escalate(
    @Param('caseId') caseId: string,
    @Body() body: EscalateRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: { id?: unknown },
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CommandResponse> {
    return this.run('case.escalate', caseId, p, ifMatch, req, res, (meta) => ({ type: 'EscalateCase', data: { caseId }, meta }), body.reason);
  }
}
