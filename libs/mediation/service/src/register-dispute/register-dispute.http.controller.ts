import { withSubjectNames } from '@fengqiao/event-store';
import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { newId, ValidationError } from '@fengqiao/kernel';
import { DisputeSource } from '@fengqiao/mediation-domain';
import { CaseCommandResponse, CaseCommandResult, CorrelationId, CurrentPrincipal, etagOf, HeaderResponse, RequireAction } from '@fengqiao/platform';
import { MediationCases } from '../application/mediation-cases';
import { documentUrl } from '../documents/document-links';
import { RegisterDisputeRequest } from './register-dispute.request.dto';

const CHANNEL_LABELS = { walk_in: '当事人来访申请', online: '当事人网上申请' } as const;

@ApiTags('mediation')
@ApiBearerAuth()
@Controller('mediation/cases')
export class RegisterDisputeController {
  constructor(@Inject(MediationCases) private readonly cases: MediationCases) {}

  @Post()
  @HttpCode(201)
  @RequireAction('mediation.register')
  @ApiOperation({
    summary: '登记调解',
    description:
      '当事人申请（来访或网上）、调解委员会主动调解、或受法院、公安机关、政府部门委托的纠纷登记为调解案件（人民调解法第十七、十八条）。当事人的个人信息按人加密保存。',
  })
  @ApiCreatedResponse({ type: CaseCommandResponse })
  async register(
    @Body() body: RegisterDisputeRequest,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<CaseCommandResult> {
    const committee = this.cases.committeeOf(body.committeeId ?? principal.unitId);
    this.cases.assertMayActIn(principal, committee, 'mediation.register');
    const source = sourceOf(body);
    const caseId = newId();
    const parties = body.parties.map((p) => ({
      partyId: newId(),
      role: p.role,
      details: { name: p.name, ...opt('idNumber', p.idNumber), ...opt('phone', p.phone), ...opt('address', p.address) },
    }));
    const reason = body.reason ?? (body.source.kind === 'application' ? CHANNEL_LABELS[body.source.channel ?? 'walk_in'] : undefined);
    // the parties' names found in the summary are protected like their phone numbers
    const result = await withSubjectNames(
      parties.map((p) => p.details.name),
      () =>
        this.cases.runner.run({
          caseId,
          principal,
          action: 'mediation.register',
          mode: 'create',
          correlationId,
          reason,
          command: async (_loaded, meta) => {
            // the parties' identities first (encrypted, in their own stream), then the case that names them by id
            await (await this.cases.parties()).record(caseId, committee.path, parties, meta);
            return {
              type: 'RegisterDispute',
              data: {
                caseId,
                committeeId: committee.id,
                committeeLevel: committee.level,
                source,
                parties: parties.map((p) => ({ partyId: p.partyId, role: p.role })),
                summary: body.summary,
                ...(body.category ? { category: body.category } : {}),
                registrationDocumentRef: documentUrl(caseId, 'application'),
              },
              meta,
            };
          },
        }),
    );
    res.setHeader('ETag', etagOf(result.revision));
    res.setHeader('Location', `/mediation/cases/${caseId}`);
    return result;
  }
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined && value.trim() !== '' ? ({ [key]: value.trim() } as Record<K, string>) : {};
}

function sourceOf(body: RegisterDisputeRequest): DisputeSource {
  const s = body.source;
  if (s.kind !== 'entrusted') return { kind: s.kind };
  if (!s.entrustedBy || !s.entrustingUnitId) {
    throw new ValidationError('MEDIATION.ENTRUSTMENT_INCOMPLETE', '受委托调解须写明委托单位类别和委托单位', {
      field: s.entrustedBy ? 'source.entrustingUnitId' : 'source.entrustedBy',
    });
  }
  return { kind: 'entrusted', entrustedBy: s.entrustedBy, entrustingUnitId: s.entrustingUnitId, ...(s.letterRef ? { letterRef: s.letterRef } : {}) };
}
