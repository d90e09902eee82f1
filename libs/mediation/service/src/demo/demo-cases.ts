import { Actor, CommandMeta, deterministicEventId } from '@fengqiao/kernel';
import { MediationCaseState, MediationCommand, MediationEvent, MediationStatus, PartyRole } from '@fengqiao/mediation-domain';
import { CaseCommandRunner } from '@fengqiao/platform';
import { Committee } from '../application/committees';
import { documentUrl } from '../documents/document-links';
import { PartyDetails, PartyRecords } from '../parties/party-records';

/** The states every demo committee has a case in (all of DESIGN §5.2 but `none`). */
export const DEMO_CASE_STATES: readonly Exclude<MediationStatus, 'none'>[] = [
  'registered',
  'consent_pending',
  'declined',
  'accepted',
  'mediator_assigned',
  'mediating',
  'agreement_reached',
  'terminated',
  'performing',
  'performed',
  'performance_failed',
  'judicial_confirmation_filed',
  'confirmed',
  'not_confirmed',
  'archived',
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高'];
const GIVEN = ['建国', '秀英', '志强', '桂兰', '海峰', '丽娟', '国庆', '玉梅', '文斌', '春花', '德明', '小芳', '永红', '建华', '晓东'];
const DISPUTES = [
  {
    category: 'neighbour_dispute',
    summary: '楼上卫生间漏水致楼下墙面受损，双方就维修和赔偿争执',
    terms: '楼上住户于七日内修复防水层，并赔偿楼下住户墙面修缮费一千五百元',
  },
  { category: 'neighbour_dispute', summary: '邻居在公共通道堆放杂物影响通行，多次口角', terms: '杂物于三日内清理完毕，今后公共通道保持畅通' },
  { category: 'land_dispute', summary: '两户宅基地界址不清，因砌围墙发生争执', terms: '以村委会测量的界桩为准，围墙退后三十厘米重砌，费用各半' },
  { category: 'neighbour_dispute', summary: '夜间装修噪音扰民，双方发生冲突', terms: '装修时间限于每日八时至十二时、十四时至十八时，装修方书面致歉' },
];

/** Steps (in order) that bring a case from registration to each state. */
const PATH: Record<Exclude<MediationStatus, 'none'>, string[]> = {
  registered: [],
  consent_pending: ['consent'],
  declined: ['consent', 'refuse'],
  accepted: ['consent', 'agree'],
  mediator_assigned: ['consent', 'agree', 'assign'],
  mediating: ['consent', 'agree', 'assign', 'session'],
  agreement_reached: ['consent', 'agree', 'assign', 'session', 'session', 'reach'],
  terminated: ['consent', 'agree', 'assign', 'session', 'session', 'terminate'],
  performing: ['consent', 'agree', 'assign', 'session', 'session', 'reach', 'sign', 'partly'],
  performed: ['consent', 'agree', 'assign', 'session', 'session', 'reach', 'sign', 'perform', 'visit'],
  performance_failed: ['consent', 'agree', 'assign', 'session', 'reach', 'sign', 'fail'],
  judicial_confirmation_filed: ['consent', 'agree', 'assign', 'session', 'reach', 'sign', 'file'],
  confirmed: ['consent', 'agree', 'assign', 'session', 'reach', 'sign', 'file', 'confirm'],
  not_confirmed: ['consent', 'agree', 'assign', 'session', 'reach', 'sign', 'file', 'reject'],
  archived: ['consent', 'agree', 'assign', 'session', 'session', 'reach', 'sign', 'perform', 'visit', 'dossier', 'archive'],
};

export interface DemoSeedDeps {
  runner: CaseCommandRunner<MediationCaseState, MediationCommand, MediationEvent>;
  parties: PartyRecords;
  committees: readonly Committee[];
  /** the demo mediator of a committee (user id), if it has one */
  mediatorOf(committee: Committee): string | undefined;
  now: Date;
  onError?(caseId: string, status: string, error: unknown): void;
  /** asked between cases: true stops the seeding (the service is shutting down; the next start goes on) */
  stopping?(): boolean;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Seeds the demo: for every committee with a mediator, one case in every state of §5.2, put there
 * through the decider by its mediator (real histories, real deadlines, parties encrypted), dated in
 * the past weeks. Crash-safe: each step carries the correlation id `demo-seed/<caseId>/<step>`, so a
 * later start skips the steps a case's stream holds and goes on with the rest (a kill during the
 * first start leaves no case half-seeded for good), and appends nothing twice. Returns the number of
 * cases this run appended to.
 */
export async function seedDemoCases(deps: DemoSeedDeps): Promise<number> {
  let count = 0;
  for (const [ci, committee] of deps.committees.entries()) {
    const mediatorId = deps.mediatorOf(committee);
    if (!mediatorId) continue;
    const mediator: string = mediatorId;
    const actor: Actor = { userId: mediatorId, role: 'mediator', unitId: committee.id };
    for (const [si, status] of DEMO_CASE_STATES.entries()) {
      if (deps.stopping?.()) return count;
      const caseId = deterministicEventId(`demo/mediation/${committee.id}/${status}`, Date.UTC(2025, 0, 1));
      const existing = await deps.runner.read(caseId);
      const done = new Set(existing.events.map((e) => e.correlationId));
      let appended = 0;
      const dispute = DISPUTES[(ci + si) % DISPUTES.length];
      // the case started 10 to 39 days ago, one step a few hours after the other
      let at = deps.now.getTime() - (10 + ((ci * 7 + si * 3) % 30)) * DAY;
      let n = 0;
      const meta = (): CommandMeta => ({ actor, now: new Date((at += 3 * HOUR)).toISOString(), correlationId: `demo-seed/${caseId}/${n}` });
      const run = async (command: Omit<MediationCommand, 'meta'>, m: CommandMeta = meta()): Promise<void> => {
        try {
          if (m.correlationId !== undefined && done.has(m.correlationId)) return; // stored by an earlier start
          await deps.runner.execute(caseId, { ...command, meta: m } as MediationCommand, {
            eventId: (i) => deterministicEventId(`demo/${caseId}/${n}/${i}`, Date.parse(m.now)),
          });
          appended++;
        } finally {
          n++;
        }
      };
      const people = [0, 1].map((k) => {
        const p = (ci * 5 + si * 2 + k * 7) % SURNAMES.length;
        return { name: SURNAMES[p] + GIVEN[(p + k + si) % GIVEN.length], phone: `1380000${String(ci * 100 + si * 2 + k).padStart(4, '0')}` };
      });
      const parties: { partyId: string; role: PartyRole; details: PartyDetails }[] = people.map((p, k) => ({
        partyId: `${caseId}-${k === 0 ? 'a' : 'b'}`,
        role: k === 0 ? 'applicant' : 'respondent',
        details: { name: p.name, phone: p.phone, address: `${committee.name.replace(/人民调解委员会$/, '')}${10 + si}号` },
      }));
      const ids = parties.map((p) => p.partyId);
      try {
        await seedOne();
        if (appended > 0) count++;
      } catch (e) {
        // one case the decider refuses (e.g. a deadline in a year the calendar does not cover yet) does not stop the rest
        deps.onError?.(caseId, status, e);
      }
      async function seedOne(): Promise<void> {
        const registered = meta();
        if (existing.revision < 0) {
          // the parties an earlier start recorded before it died are not recorded again
          const known = new Set((await deps.parties.read(caseId, parties)).filter((p) => p.identified).map((p) => p.partyId));
          const missing = parties.filter((p) => !known.has(p.partyId));
          if (missing.length > 0) await deps.parties.record(caseId, committee.path, missing, registered);
        }
        await run(
          {
            type: 'RegisterDispute',
            data: {
              caseId,
              committeeId: committee.id,
              committeeLevel: committee.level,
              source: si % 3 === 2 ? { kind: 'own_initiative' } : { kind: 'application' },
              parties: parties.map((p) => ({ partyId: p.partyId, role: p.role })),
              summary: dispute.summary,
              category: dispute.category,
              registrationDocumentRef: documentUrl(caseId, 'application'),
            },
          },
          { ...registered, reason: '当事人来访申请' },
        );
        const now = () => new Date(at).toISOString();
        for (const step of PATH[status]) {
          switch (step) {
            case 'consent':
              await run({ type: 'RequestConsent', data: {} });
              await run({ type: 'NotifyRights', data: { partyIds: ids, documentRef: documentUrl(caseId, 'rights-notice') } });
              await run({ type: 'AddDossierItem', data: { item: 'identity_proof', documentRef: '当事人身份证复印件' } });
              break;
            case 'refuse':
              await run({ type: 'RecordConsent', data: { partyId: ids[1], consented: false } });
              break;
            case 'agree':
              for (const partyId of ids) await run({ type: 'RecordConsent', data: { partyId, consented: true } });
              break;
            case 'assign':
              await run({ type: 'AssignMediator', data: { mediatorIds: [mediator], method: 'designated' } });
              break;
            case 'session':
              await run({
                type: 'RecordSession',
                data: {
                  sessionId: `${caseId}-s${n}`,
                  heldAt: now(),
                  mediatorIds: [mediator],
                  attendingPartyIds: ids,
                  summary: '听取双方陈述，释法说理',
                  recordRef: `调解笔录-${n}`,
                },
              });
              break;
            case 'reach':
              await run({
                type: 'ReachAgreement',
                data: { agreementId: `${caseId}-agreement`, form: 'written', terms: dispute.terms, documentRef: documentUrl(caseId, 'agreement') },
              });
              break;
            case 'sign':
              await run({ type: 'SignAgreement', data: { signedByPartyIds: ids, mediatorSigned: true, committeeSealed: true } });
              break;
            case 'partly':
              await run({ type: 'RecordPerformance', data: { complete: false, description: '已履行一部分' } });
              break;
            case 'perform':
              await run({ type: 'RecordPerformance', data: { complete: true, description: '协议已全部履行', evidenceRef: '履行确认书' } });
              break;
            case 'visit':
              await run({
                type: 'RecordFollowUpVisit',
                data: { visitedPartyIds: ids, performanceSatisfactory: true, reescalationRisk: false, recordRef: '回访记录' },
              });
              break;
            case 'fail':
              await run({ type: 'ReportPerformanceFailure', data: { defaultingPartyIds: [ids[1]], description: '被申请人逾期未履行' } });
              break;
            case 'file':
              await run({ type: 'FileJudicialConfirmation', data: { courtId: 'court-d-fq', filedAt: now(), applicantPartyIds: ids } });
              break;
            case 'confirm':
            case 'reject':
              await run({
                type: 'RecordJudicialConfirmationDecision',
                data: { confirmed: step === 'confirm', decidedAt: now(), rulingRef: `(2025)浙0681民特${100 + si}号` },
              });
              break;
            case 'terminate':
              await run(
                { type: 'TerminateMediation', data: { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] } },
                { ...meta(), reason: '双方分歧较大，调解不成' },
              );
              break;
            case 'dossier':
              break;
            case 'archive':
              await run({ type: 'ArchiveCase', data: {} });
              break;
            default:
              throw new Error(`unknown demo step ${step}`);
          }
        }
      }
    }
  }
  return count;
}
