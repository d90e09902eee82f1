/**
 * The audit API (DESIGN §2 journey 4), role `auditor`, read-only, inside the auditor's explicit
 * scope. A matter is named by a case id; its streams are found in every context's store.
 *
 *   GET  /audit/matters/:id/timeline                      every step across kinds
 *   GET  /audit/matters/:id/state?context=&streamId=&revision= | &at=&by=   replayed state
 *   POST /audit/matters/:id/verify  {checkpoints?: {<context>: SignedCheckpoint}}
 *   GET  /audit/matters/:id/evidence                      the evidence bundle (npm run verify -- it)
 */
import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { EVIDENCE_BUNDLE_FORMAT, type EvidenceBundle, type SignedCheckpoint } from '@fengqiao/event-store';
import type { Principal } from '@fengqiao/identity';
import { ValidationError, systemClock } from '@fengqiao/kernel';
import { CurrentPrincipal, EvidenceBundleResponse, KeepSealed, parseStatePoint, RequireAction } from '@fengqiao/platform';
import type { Caller } from './audit-sources';
import { AUDIT_SOURCES, AuditSources } from './audit.sources.provider';
import { collectMatter, matterTimeline } from './matter-timeline';
import { ContextStreamStateResponse, MatterStatesResponse, MatterTimelineResponse, MatterVerifyResponse } from './matter-audit.response';

export class VerifyMatterRequestDto {
  /** per context, a signed checkpoint the auditor kept (from /audit/stores/<context>/checkpoints) */
  @IsOptional()
  @IsObject()
  checkpoints?: Record<string, SignedCheckpoint>;
}

function callerOf(principal: Principal, req: { headers: Record<string, string | string[] | undefined> }): Caller {
  const auth = req.headers.authorization;
  return { principal, ...(typeof auth === 'string' ? { authorization: auth } : {}) };
}

type Req = { headers: Record<string, string | string[] | undefined> };

@ApiTags('audit')
@Controller('audit/matters')
export class AuditController {
  constructor(@Inject(AUDIT_SOURCES) private readonly sources: AuditSources) {}

  @RequireAction('audit.timeline')
  @Get(':id/timeline')
  @ApiOperation({ summary: '跨事件库的事项时间线（网格、调解、信访各环节）' })
  @ApiOkResponse({ type: MatterTimelineResponse })
  async timeline(@CurrentPrincipal() principal: Principal, @Req() req: Req, @Param('id') id: string) {
    const timeline = await matterTimeline(this.sources.all(), callerOf(principal, req), id);
    if (timeline.streams.length === 0) throw new NotFoundException({ code: 'AUDIT.MATTER_NOT_FOUND', message: '没有该事项，或不在您的审计范围内' });
    return timeline;
  }

  @RequireAction('audit.timeline')
  @Get(':id/state')
  @ApiOperation({ summary: '事项在某一时刻的状态（各事件流回放）' })
  @ApiExtraModels(MatterStatesResponse, ContextStreamStateResponse)
  @ApiOkResponse({
    description: '给出 context 与 streamId 时为该事件流的状态，否则为事项每个事件流的状态',
    schema: { oneOf: [{ $ref: getSchemaPath(MatterStatesResponse) }, { $ref: getSchemaPath(ContextStreamStateResponse) }] },
  })
  async state(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Req,
    @Param('id') id: string,
    @Query('context') context?: string,
    @Query('streamId') streamId?: string,
    @Query('revision') revision?: string,
    @Query('at') at?: string,
    @Query('by') by?: string,
  ) {
    const point = parseStatePoint(revision, at, by);
    const caller = callerOf(principal, req);
    if (!context || !streamId) {
      // every stream of the matter, each at that point
      const streams = await collectMatter(this.sources.all(), caller, id);
      const states = [];
      for (const s of streams) states.push({ context: s.context, ...((await this.sources.get(s.context)?.stateAt(caller, s.streamId, point)) as object) });
      return { matterId: id, states };
    }
    const source = this.sources.get(context);
    if (!source) throw new ValidationError('AUDIT.UNKNOWN_CONTEXT', `未知的业务域：${context}`, { field: 'context' });
    const result = await source.stateAt(caller, streamId, point);
    if (!result) throw new NotFoundException({ code: 'AUDIT.STREAM_NOT_FOUND', message: '没有该事件流，或不在您的审计范围内' });
    return { context, ...(result as object) };
  }

  @RequireAction('audit.verify')
  @Post(':id/verify')
  @ApiOperation({ summary: '核验事项在各事件库中的记录，可对照所持的检查点' })
  @HttpCode(200)
  @ApiOkResponse({ type: MatterVerifyResponse })
  async verify(@CurrentPrincipal() principal: Principal, @Req() req: Req, @Param('id') id: string, @Body() body: VerifyMatterRequestDto) {
    const caller = callerOf(principal, req);
    const streams = await collectMatter(this.sources.all(), caller, id);
    if (streams.length === 0) throw new NotFoundException({ code: 'AUDIT.MATTER_NOT_FOUND', message: '没有该事项，或不在您的审计范围内' });
    const stores = [];
    for (const source of this.sources.all()) {
      const ids = streams.filter((s) => s.context === source.context).map((s) => s.streamId);
      if (ids.length === 0) continue;
      stores.push(await source.verify(caller, ids, body.checkpoints?.[source.context]));
    }
    const mismatches = stores.flatMap((s) =>
      s.streams.filter((x) => !x.chain.ok || !x.included.ok || !x.envelope.ok || !x.readModel.ok).map((x) => ({ context: s.context, ...x })),
    );
    return { matterId: id, ok: stores.every((s) => s.ok), mismatches, stores };
  }

  @RequireAction('audit.export')
  @KeepSealed()
  @Get(':id/evidence')
  @ApiOperation({ summary: '导出事项的证据包（各事件库）' })
  @ApiOkResponse({ type: EvidenceBundleResponse })
  async evidence(@CurrentPrincipal() principal: Principal, @Req() req: Req, @Param('id') id: string): Promise<EvidenceBundle> {
    const caller = callerOf(principal, req);
    const streams = await collectMatter(this.sources.all(), caller, id);
    if (streams.length === 0) throw new NotFoundException({ code: 'AUDIT.MATTER_NOT_FOUND', message: '没有该事项，或不在您的审计范围内' });
    const logs = [];
    const keys = new Map<string, EvidenceBundle['keys']['keys'][number]>();
    for (const source of this.sources.all()) {
      const ids = streams.filter((s) => s.context === source.context).map((s) => s.streamId);
      if (ids.length === 0) continue;
      logs.push(await source.evidence(caller, ids));
      for (const k of (await source.keys()).keys) keys.set(k.kid, k);
    }
    return {
      format: EVIDENCE_BUNDLE_FORMAT,
      matter: { kind: streams[0].kind ?? 'matter', id },
      exportedAt: systemClock.now().toISOString(),
      exportedBy: { userId: principal.userId, role: 'auditor', unitId: principal.unitId },
      logs,
      keys: { keys: [...keys.values()] },
    };
  }
}
