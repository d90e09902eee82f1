/**
 * The per-store audit routes of every context this process hosts, `/audit/stores/:context/…`:
 * read-only, for auditors inside their scope, except the signed checkpoints and the public keys,
 * which are public so that outsiders can keep copies (DESIGN §4).
 */
import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { type SignedCheckpoint, type StatePoint } from '@fengqiao/event-store';
import type { Principal } from '@fengqiao/identity';
import { ValidationError } from '@fengqiao/kernel';
import { CurrentPrincipal, Public, RequireAction } from '../auth/decorators';
import { KeepSealed } from '../auth/personal-data';
import { AuditRegistry } from './audit-registry';
import {
  CheckpointKeySetResponse,
  CheckpointListResponse,
  ExportedCheckpointResponse,
  BundledLogResponse,
  MatterStreamsResponse,
  MatterVerificationResponse,
  StoreVerificationResponse,
  StreamStateResponse,
} from './audit.response';
import type { ContextAudit } from './context-audit';

export class StreamsRequestDto {
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  streamIds!: string[];

  /** a signed checkpoint the auditor holds (from /audit/stores/:context/checkpoints) */
  @IsOptional()
  @IsObject()
  @Type(() => Object)
  checkpoint?: SignedCheckpoint;
}

export function parseList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .slice(0, 200);
}

export function parseStatePoint(revision: string | undefined, at: string | undefined, by: string | undefined): StatePoint {
  if (revision !== undefined) {
    const n = Number(revision);
    if (!Number.isSafeInteger(n) || n < 0) throw new ValidationError('AUDIT.BAD_REVISION', '版本号必须是非负整数', { field: 'revision' });
    return { revision: n };
  }
  if (at !== undefined) {
    if (Number.isNaN(Date.parse(at))) throw new ValidationError('AUDIT.BAD_TIME', '时间必须是 ISO-8601 格式', { field: 'at' });
    if (by !== undefined && by !== 'recordedAt' && by !== 'occurredAt')
      throw new ValidationError('AUDIT.BAD_TIME_KIND', 'by 只能是 recordedAt 或 occurredAt', { field: 'by' });
    return { at, by: (by ?? 'recordedAt') as 'recordedAt' | 'occurredAt' };
  }
  return { revision: Number.MAX_SAFE_INTEGER };
}

@ApiTags('audit')
@Controller('audit')
export class ContextAuditController {
  constructor(@Inject(AuditRegistry) private readonly registry: AuditRegistry) {}

  private audit(context: string): ContextAudit {
    const audit = this.registry.get(context);
    if (!audit) throw new NotFoundException({ code: 'AUDIT.UNKNOWN_STORE', message: `本服务没有 ${context} 的事件库` });
    return audit;
  }

  /** Public: every signing key this process publishes (current and retired), as a JWK Set. */
  @Public()
  @Get('checkpoint-keys')
  @ApiOperation({ summary: '公开：检查点签名公钥（现用的和已停用的）' })
  @ApiOkResponse({ type: CheckpointKeySetResponse })
  keys() {
    return this.registry.keySet();
  }

  /** Public: the signed checkpoints of a store, oldest first. */
  @Public()
  @Get('stores/:context/checkpoints')
  @ApiOperation({ summary: '公开：一个事件库已签名的检查点，由早到晚' })
  @ApiOkResponse({ type: CheckpointListResponse })
  async checkpoints(@Param('context') context: string, @Query('afterSize') afterSize?: string, @Query('limit') limit?: string) {
    const audit = this.audit(context);
    const list = await audit.auditor.listCheckpoints({
      ...(afterSize !== undefined && Number.isSafeInteger(Number(afterSize)) ? { afterSize: Number(afterSize) } : {}),
      limit: Math.min(Number.isSafeInteger(Number(limit)) && Number(limit) > 0 ? Number(limit) : 1000, 1000),
    });
    return { context, origin: audit.auditor.origin, checkpoints: list.map((c) => audit.auditor.exported(c)) };
  }

  /** Public: the latest signed checkpoint of a store. */
  @Public()
  @Get('stores/:context/checkpoints/latest')
  @ApiOperation({ summary: '公开：一个事件库最新的已签名检查点' })
  @ApiOkResponse({ type: ExportedCheckpointResponse })
  async latest(@Param('context') context: string) {
    const audit = this.audit(context);
    const latest = await audit.auditor.latestCheckpoint();
    if (!latest) throw new NotFoundException({ code: 'AUDIT.NO_CHECKPOINT', message: '尚无检查点' });
    return audit.auditor.exported(latest);
  }

  /** The streams of a matter in this store (by case ids and correlation ids), personal data masked or logged. */
  @RequireAction('audit.timeline')
  @Get('stores/:context/matter')
  @ApiOperation({ summary: '本库中一个事项的各事件流（按事件编号和关联编号查找）' })
  @ApiOkResponse({ type: MatterStreamsResponse })
  async matter(
    @CurrentPrincipal() principal: Principal,
    @Param('context') context: string,
    @Query('ids') ids?: string,
    @Query('correlationIds') correlationIds?: string,
  ) {
    return { streams: await this.audit(context).matter(principal, { ids: parseList(ids), correlationIds: parseList(correlationIds) }, 'timeline') };
  }

  /** The state of a stream at a revision (`?revision=`) or an instant (`?at=&by=recordedAt|occurredAt`), replayed. */
  @RequireAction('audit.timeline')
  @Get('stores/:context/streams/:streamId/state')
  @ApiOperation({ summary: '回放：事件流在某一版本或某一时刻的状态' })
  @ApiOkResponse({ type: StreamStateResponse })
  async state(
    @CurrentPrincipal() principal: Principal,
    @Param('context') context: string,
    @Param('streamId') streamId: string,
    @Query('revision') revision?: string,
    @Query('at') at?: string,
    @Query('by') by?: string,
  ) {
    const result = await this.audit(context).stateAt(principal, streamId, parseStatePoint(revision, at, by));
    if (!result) throw new NotFoundException({ code: 'AUDIT.STREAM_NOT_FOUND', message: '没有该事件流，或不在您的审计范围内' });
    return result;
  }

  @RequireAction('audit.verify')
  @Post('stores/:context/matter/verify')
  @ApiOperation({ summary: '核验事项的事件流：哈希链、日志顺序和检查点' })
  @HttpCode(200)
  @ApiOkResponse({ type: MatterVerificationResponse })
  async verifyMatter(@CurrentPrincipal() principal: Principal, @Param('context') context: string, @Body() body: StreamsRequestDto) {
    return this.audit(context).verifyMatter(principal, body.streamIds, body.checkpoint);
  }

  @RequireAction('audit.export')
  @KeepSealed()
  @Post('stores/:context/matter/evidence')
  @ApiOperation({ summary: '导出事项的证据包（事件、包含证明、签名检查点）' })
  @HttpCode(200)
  @ApiOkResponse({ type: BundledLogResponse })
  async evidence(@CurrentPrincipal() principal: Principal, @Param('context') context: string, @Body() body: StreamsRequestDto) {
    return this.audit(context).evidence(principal, body.streamIds);
  }

  /** The whole store: chains, log order, every stored checkpoint; failures outside the auditor's scope are shown without their event. */
  @RequireAction('audit.verify')
  @Get('stores/:context/verify')
  @ApiOperation({ summary: '核验整个事件库：各链、日志顺序和所有检查点' })
  @ApiOkResponse({ type: StoreVerificationResponse })
  async verifyStore(@CurrentPrincipal() principal: Principal, @Param('context') context: string) {
    return this.audit(context).verifyWholeStore(principal);
  }
}
