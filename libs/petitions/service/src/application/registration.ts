import { withSubjectNames } from '@fengqiao/event-store';
import { Principal } from '@fengqiao/identity';
import { Actor, CommandMeta, deterministicEventId, newId, ValidationError } from '@fengqiao/kernel';
import { actorOf, assertInJurisdiction, CaseCommandResult } from '@fengqiao/platform';
import { PetitionCategory, PetitionChannel, ReceiverKind, RegisterPetition, RelatedMatter } from '@fengqiao/petitions-domain';
import type { PetitionsContext } from '../petitions.context';
import { MatchFound, PETITION_VIEW, PetitionSource, PetitionView } from '../read-models/petition-view';
import { REGISTRATION_RECORDED, RegistrationRecord, toRegistrationRecordStreamId } from '../read-models/petitions.projector';
import { RECEPTION_DAYS, RECEPTION_POINTS, ReceptionDay, ReceptionPoint } from '../read-models/reception-views';
import { PetitionerInput } from './petitioners';

/** 信访事项类型: what "the same matter" is matched on, with the same petitioner. */
export const MATTER_TYPES = {
  land_expropriation: '征地拆迁',
  labour_social_security: '劳动和社会保障',
  urban_rural_construction: '城乡建设',
  rural_agriculture: '农村农业',
  environment: '生态环境',
  law_litigation: '涉法涉诉',
  civil_affairs: '民政',
  public_security: '公安',
  education_health: '教育卫生',
  other: '其他',
} as const;
export type MatterType = keyof typeof MATTER_TYPES;

export interface RegistrationInput {
  channel: PetitionChannel;
  receivedAt?: string;
  receivingUnitId?: string;
  receiverKind?: ReceiverKind;
  petitioners: PetitionerInput[];
  /** system registrations only: petitioners known by id whose personal data this context does not hold (a referred grid case's reporter) */
  knownPetitionerIds?: string[];
  summary: string;
  category?: PetitionCategory;
  matterType: MatterType;
  form: 'written' | 'oral';
  recordRef?: string;
  /** §20: indexes into `petitioners` of the elected representatives, and how many came */
  groupVisit?: { visitorCount: number; representatives: number[] };
  receptionPointId?: string;
  receptionDayId?: string;
  /** the officer sets the suggested match aside, saying why */
  override?: { ignoreMatches: boolean; reason: string };
  reason?: string;
}

export type Registrar =
  | { kind: 'user'; principal: Principal; correlationId?: string }
  | { kind: 'system'; actor: Actor; source: PetitionSource; petitionId?: string; correlationId?: string; at?: string };

export interface RegistrationResult extends CaseCommandResult {
  petitionId: string;
  petitionerIds: string[];
  matches: MatchFound[];
  relatedMatter: RelatedMatter | null;
}

const ACTIVE = new Set([
  'registered',
  'routed',
  'acceptance_notified',
  'handling',
  'opinion_issued',
  'delivered',
  'review_requested',
  'reviewing',
  'review_decided',
  're_review_requested',
  're_reviewing',
]);
const STRENGTH: Record<MatchFound['relation'], number> = { concluded_by_re_review: 3, being_handled_lower_level: 2, being_handled_here: 1 };

/**
 * 登记: the service, not the caller, looks for the same petitioner's petitions on the same matter
 * (petitioners matched on the keyed hash of their ID number), works out how each relates to this
 * one (§19 ¶3 being handled lower down and raised here; being handled here; §36 ¶3 concluded by
 * re-review), and passes the strongest to the decider, which refuses or flags. The officer may set
 * the suggestion aside with a reason (recorded). Personal data is sealed per petitioner before
 * anything is stored; what was found is recorded on `petition-record-<id>`.
 */
export class PetitionRegistration {
  constructor(private readonly ctx: PetitionsContext) {}

  async register(input: RegistrationInput, by: Registrar): Promise<RegistrationResult> {
    // the petitioners' names found in the petition's text are protected like their phone numbers
    return withSubjectNames(
      input.petitioners.map((p) => p.name),
      () => this.registerOnce(input, by),
    );
  }

  private async registerOnce(input: RegistrationInput, by: Registrar): Promise<RegistrationResult> {
    const ctx = this.ctx;
    const { units } = ctx;
    const receivingUnitId = input.receivingUnitId ?? (by.kind === 'user' ? by.principal.unitId : ctx.options.onlineOfficeUnitId);
    units.require(receivingUnitId, 'receivingUnitId');
    if (by.kind === 'user') assertInJurisdiction(by.principal, units.pathOf(receivingUnitId), 'petition.register', { type: 'petition' });
    if (input.override && by.kind !== 'user')
      throw new ValidationError('PETITIONS.OVERRIDE_NOT_ALLOWED', '只有信访工作人员可以排除系统提示的相同事项', { field: 'override' });
    const source = by.kind === 'system' ? by.source : await this.receptionSource(input);

    const petitionerIds = [
      ...input.petitioners.map((p) => ctx.petitioners.petitionerIdOf(p.idNumber)),
      ...(by.kind === 'system' ? (input.knownPetitionerIds ?? []) : []),
    ];
    const unique = [...new Set(petitionerIds)];
    const matches = await this.findMatches(unique, input.matterType, receivingUnitId);
    const strongest = [...matches].sort((a, b) => STRENGTH[b.relation] - STRENGTH[a.relation])[0];
    const ignore = input.override?.ignoreMatches === true;
    const relatedMatter: RelatedMatter | null = strongest && !ignore ? { petitionId: strongest.petitionId, relation: strongest.relation } : null;

    const petitionId = by.kind === 'system' && by.petitionId ? by.petitionId : newId();
    const correlationId = by.correlationId ?? newId();
    const actor: Actor = by.kind === 'user' ? actorOf(by.principal, 'petition.register') : by.actor;
    const at = (by.kind === 'system' ? by.at : undefined) ?? ctx.now();
    const jurisdiction = units.pathOf(receivingUnitId);
    const { events } = ctx.runtime.infra;

    // 1. the petitioners (sealed), 2. what the service found, 3. the petition itself
    const recorded = input.petitioners.length
      ? await ctx.petitioners.record(events, input.petitioners, { actor, at, jurisdiction, correlationId })
      : { petitionerIds: [], addressKeys: [] };
    const record: RegistrationRecord = {
      petitionId,
      matterType: input.matterType,
      addressKeys: recorded.addressKeys,
      source,
      matches,
      ...(ignore && input.override ? { overrideReason: input.override.reason } : {}),
    };
    await events.append(
      toRegistrationRecordStreamId(petitionId),
      [
        {
          id: deterministicEventId(`${petitionId}/registration-record`, Date.parse(at)),
          type: REGISTRATION_RECORDED,
          schemaVersion: 1,
          occurredAt: at,
          actor,
          correlationId,
          causationId: correlationId,
          jurisdiction,
          data: { ...record },
        },
      ],
      { expectedRevision: 'any' },
    );

    const reps = input.groupVisit?.representatives.map((i) => {
      const id = petitionerIds[i];
      if (id === undefined)
        throw new ValidationError('PETITIONS.INVALID_REPRESENTATIVE', `走访代表须为信访人之一（第 ${i + 1} 位不存在）`, {
          field: 'groupVisit.representatives',
        });
      return id;
    });
    const reason = [input.reason?.trim(), ignore && input.override ? `排除系统提示的相同事项：${input.override.reason.trim()}` : undefined]
      .filter(Boolean)
      .join('；');
    const build = (meta: CommandMeta): RegisterPetition => ({
      type: 'RegisterPetition',
      data: {
        petitionId,
        channel: input.channel,
        receivedAt: input.receivedAt ?? at,
        receivingUnitId,
        receiverKind: input.receiverKind ?? 'petition_office',
        petitionerIds: unique,
        summary: input.summary.trim(),
        ...(input.category ? { category: input.category } : {}),
        form: input.form,
        ...(input.recordRef ? { recordRef: input.recordRef } : {}),
        ...(input.groupVisit && reps ? { groupVisit: { visitorCount: input.groupVisit.visitorCount, representativeIds: [...new Set(reps)] } } : {}),
        ...(relatedMatter ? { relatedMatter } : {}),
      },
      meta,
    });
    let result: CaseCommandResult;
    if (by.kind === 'user') {
      result = await ctx.runner.run({
        caseId: petitionId,
        principal: by.principal,
        action: 'petition.register',
        mode: 'create',
        correlationId,
        ...(reason ? { reason } : {}),
        command: (_loaded, meta) => build(meta),
      });
    } else {
      const meta: CommandMeta = { actor, now: at, correlationId, causationId: correlationId, ...(reason ? { reason } : {}) };
      result = await ctx.runner.execute(petitionId, build(meta), {
        eventId: (i) => deterministicEventId(`${petitionId}/register/${i}`, Date.parse(at)),
      });
    }
    return { ...result, petitionId, petitionerIds: unique, matches, relatedMatter };
  }

  private async receptionSource(input: RegistrationInput): Promise<PetitionSource> {
    if (!input.receptionPointId && !input.receptionDayId) return { kind: 'office' };
    const store = this.ctx.runtime.infra.readStore;
    let pointId = input.receptionPointId;
    if (input.receptionDayId) {
      const day = await store.get<ReceptionDay>(RECEPTION_DAYS, input.receptionDayId);
      if (!day || day.cancelled)
        throw new ValidationError('PETITIONS.UNKNOWN_RECEPTION_DAY', `领导接访日不存在或已取消：${input.receptionDayId}`, { field: 'receptionDayId' });
      if (pointId && pointId !== day.pointId) throw new ValidationError('PETITIONS.RECEPTION_MISMATCH', '接访日不在该接访点', { field: 'receptionPointId' });
      pointId = day.pointId;
    }
    const point = pointId ? await store.get<ReceptionPoint>(RECEPTION_POINTS, pointId) : null;
    if (!point) throw new ValidationError('PETITIONS.UNKNOWN_RECEPTION_POINT', `接访点不存在：${pointId}`, { field: 'receptionPointId' });
    if (input.channel !== 'visit') throw new ValidationError('PETITIONS.RECEPTION_NEEDS_VISIT', '在接访点或接访日登记的信访事项应为走访', { field: 'channel' });
    return { kind: 'reception', pointId: point.pointId, ...(input.receptionDayId ? { dayId: input.receptionDayId } : {}) };
  }

  /** Petitions of these petitioners on this matter, and how each relates to a petition received at `unitId`. */
  async findMatches(petitionerIds: readonly string[], matterType: string, unitId: string): Promise<MatchFound[]> {
    if (petitionerIds.length === 0) return [];
    const docs = await this.ctx.runtime.infra.readStore.find<PetitionView>(
      PETITION_VIEW,
      { petitionerIds: { $in: [...petitionerIds] }, matterType },
      { projection: { state: 0, timeline: 0, documents: 0 }, limit: 100 },
    );
    const out: MatchFound[] = [];
    for (const d of docs) {
      const at = [d.receivingUnitId, d.routedToUnitId, d.handlingUnitId].filter((u): u is string => typeof u === 'string');
      const below = at.some((u) => u !== unitId && this.ctx.units.pathOf(u).includes(unitId));
      let relation: MatchFound['relation'] | undefined;
      if (d.status === 'terminated') relation = 'concluded_by_re_review';
      else if (ACTIVE.has(d.status)) relation = below ? 'being_handled_lower_level' : at.includes(unitId) ? 'being_handled_here' : undefined;
      if (relation) out.push({ petitionId: d.petitionId, relation, status: d.status, unitId: d.currentUnitId });
    }
    return out;
  }
}
