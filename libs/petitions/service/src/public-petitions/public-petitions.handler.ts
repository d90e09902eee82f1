import { Actor, newId } from '@fengqiao/kernel';
import { maskName } from '@fengqiao/platform';
import { PETITION_STATUS_LABELS, ratingStageOf, PetitionStatus } from '@fengqiao/petitions-domain';
import { PetitionRegistration } from '../application/registration';
import { DOCUMENT_TITLES, renderDocument } from '../petition-documents/petition-documents';
import type { PetitionsContext } from '../petitions.context';
import { DocumentKind, PETITION_VIEW, PetitionView } from '../read-models/petition-view';
import { ProofOfWork } from './proof-of-work';
import { newQueryCode, petitionOfQueryCode, queryCodeHash, normaliseQueryCode } from './query-code';
import { OnlinePetitionRequest } from './public-petitions.request.dto';

export const ONLINE_FORM_ACTOR_ID = 'public:online-form';

const STEP_LABELS: Record<string, string> = {
  PetitionRegistered: '登记',
  PetitionNotAccepted: '不予受理',
  PetitionTransferred: '转送有权处理机关',
  PetitionAssigned: '交办',
  RoutingObjectionAgreed: '重新转送交办',
  AcceptanceNotified: '受理',
  HandlingStarted: '办理中',
  HandlingExtended: '延长办理期限',
  HearingStarted: '举行听证',
  HearingEnded: '听证结束',
  OpinionIssued: '出具处理意见',
  OpinionDelivered: '送达处理意见',
  PetitionClosed: '办结',
  ReviewRequested: '申请复查',
  ReviewDecided: '出具复查意见',
  ReviewDecisionDelivered: '送达复查意见',
  ReReviewRequested: '申请复核',
  ReReviewDecided: '复核终结',
};
const CLOCK_LABELS: Record<string, string> = {
  routing: '转送交办期限',
  acceptance_notice: '告知受理期限',
  assignment_report: '交办报告期限',
  handling: '办理期限',
  review: '复查期限',
  re_review: '复核期限',
};
const PETITIONER_DOCUMENTS: DocumentKind[] = ['acceptance_notice', 'non_acceptance_notice', 'opinion', 'review_decision', 're_review_decision'];

/**
 * 网上信访 (§17, §21): the public form (no login; per-IP rate limit and proof of work) and what a
 * query code opens: the progress, the documents addressed to the petitioner, the rating. A code
 * opens its own petition only; nothing else of the petition office is reachable from here.
 */
export class PublicPetitions {
  readonly pow: ProofOfWork;
  private readonly registration: PetitionRegistration;

  constructor(private readonly ctx: PetitionsContext) {
    this.pow = new ProofOfWork(ctx.options.idHashKey, ctx.options.powBits, () => ctx.clock.now().getTime());
    this.registration = new PetitionRegistration(ctx);
  }

  private get store() {
    return this.ctx.runtime.infra.readStore;
  }

  async submit(body: OnlinePetitionRequest, correlationId?: string) {
    await this.pow.verify(this.store, body.challenge, body.nonce);
    const office = this.ctx.options.onlineOfficeUnitId;
    const actor: Actor = { userId: ONLINE_FORM_ACTOR_ID, role: 'system', unitId: office };
    const petitionId = newId();
    const code = newQueryCode();
    const at = this.ctx.now();
    // the code first: a petition never exists without the code its petitioner was shown
    await this.ctx.portal.execute(petitionId, {
      type: 'IssueQueryCode',
      data: { petitionId, codeHash: queryCodeHash(normaliseQueryCode(code) as string) },
      meta: { actor, now: at, ...(correlationId ? { correlationId } : {}) },
    });
    const result = await this.registration.register(
      {
        channel: 'online',
        receivingUnitId: office,
        petitioners: [{ name: body.name, idNumber: body.idNumber, phone: body.phone, ...(body.address ? { address: body.address } : {}) }],
        summary: body.summary,
        matterType: body.matterType,
        form: 'written',
      },
      { kind: 'system', actor, source: { kind: 'online_form' }, petitionId, at, ...(correlationId ? { correlationId } : {}) },
    );
    return {
      queryCode: code,
      receivedAt: at,
      status: result.status,
      statusLabel: PETITION_STATUS_LABELS[result.status as PetitionStatus],
      notice: '请妥善保存查询码：凭查询码可查询办理进度、查看答复文书并作出评价。查询码只显示这一次。',
    };
  }

  private async viewOf(queryCode: string): Promise<PetitionView> {
    const petitionId = await petitionOfQueryCode(this.store, queryCode);
    await this.ctx.projector.catchUp();
    const view = await this.store.get<PetitionView>(PETITION_VIEW, petitionId);
    if (!view) return petitionOfQueryCode(this.store, '') as never;
    return view;
  }

  /** What the code's holder sees: no personal data, no staff, no other petition. */
  async progress(queryCode: string) {
    const v = await this.viewOf(queryCode);
    const stage = ratingStageOf(v.status as PetitionStatus);
    return {
      status: v.status,
      statusLabel: v.statusLabel,
      channel: v.channel,
      receivedAt: v.receivedAt,
      summary: v.summary,
      currentUnit: this.ctx.units.nameOf(v.currentUnitId),
      steps: v.timeline
        .filter((e) => STEP_LABELS[e.type])
        .map((e) => ({ step: STEP_LABELS[e.type], at: e.at, ...(e.legalBasis ? { legalBasis: e.legalBasis } : {}) })),
      clocks: v.clocks.map((c) => ({ clock: CLOCK_LABELS[c.kind] ?? c.kind, lastDay: c.lastDay, legalBasis: c.legalBasis })),
      documents: v.documents.filter((d) => PETITIONER_DOCUMENTS.includes(d.kind)).map((d) => ({ kind: d.kind, title: DOCUMENT_TITLES[d.kind], at: d.at })),
      ratings: v.ratings.map((r) => ({ stage: r.stage, rating: r.rating, at: r.at })),
      canRate: stage !== undefined && v.hasQueryCode && !v.ratings.some((r) => r.stage === stage),
    };
  }

  async rate(queryCode: string, rating: number, comment: string | undefined, correlationId?: string) {
    const v = await this.viewOf(queryCode);
    const actor: Actor = { userId: ONLINE_FORM_ACTOR_ID, role: 'system', unitId: v.receivingUnitId };
    const petition = await this.ctx.runner.read(v.petitionId);
    const result = await this.ctx.portal.execute(v.petitionId, {
      type: 'RatePetition',
      data: { petitionId: v.petitionId, petitionStatus: petition.state.status, rating, ...(comment ? { comment } : {}) },
      meta: { actor, now: this.ctx.now(), ...(correlationId ? { correlationId } : {}) },
    });
    return { rated: result.events.length > 0, rating };
  }

  async document(queryCode: string, kind: DocumentKind): Promise<string> {
    const v = await this.viewOf(queryCode);
    if (!PETITIONER_DOCUMENTS.includes(kind)) return petitionOfQueryCode(this.store, '') as never;
    const people = await this.ctx.petitioners.openAll(this.store, v.petitionerIds);
    return renderDocument(kind, { view: v, addressee: people.map((p) => maskName(p.name)).join('、') || '信访人', unitName: (u) => this.ctx.units.nameOf(u) });
  }
}
