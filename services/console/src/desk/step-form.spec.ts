import { chinaLocalNow, isoOf, stepBody, stepsFor } from './step-form';
import { MEDIATION_STEPS, MEDIATION_STEPS_BY_STATUS } from './mediation-steps';
import { PETITION_STEPS, PETITION_STEPS_BY_STATUS } from './petition-steps';
import { daysLeft, daysLeftText } from './documents';
import { checkRows, type MatterVerification } from './audit-checks';

const MEDIATOR = [
  'mediation.read',
  'mediation.list',
  'mediation.register',
  'mediation.consent',
  'mediation.assign',
  'mediation.session',
  'mediation.agreement',
  'mediation.terminate',
  'mediation.performance',
  'mediation.confirmation',
  'mediation.follow_up',
  'mediation.archive',
];

describe('desk step forms', () => {
  it('builds the body: empty values left out, numbers as numbers, China-time date-times as UTC instants, lists kept', () => {
    const body = stepBody(MEDIATION_STEPS.sessions, {
      heldAt: '2026-12-06T09:30',
      mediatorIds: ['u-med-v-1-1'],
      attendingPartyIds: [],
      summary: '  听取双方陈述 ',
      recordRef: '',
    });
    expect(body).toEqual({ heldAt: '2026-12-06T01:30:00.000Z', mediatorIds: ['u-med-v-1-1'], summary: '听取双方陈述' });
    expect(stepBody(MEDIATION_STEPS.extend, { extendBy: '15', consentingPartyIds: ['a'] })).toEqual({ extendBy: 15, consentingPartyIds: ['a'] });
    expect(stepBody(MEDIATION_STEPS['agreement/sign'], { signedByPartyIds: ['a', 'b'], mediatorSigned: true, committeeSealed: false })).toEqual({
      signedByPartyIds: ['a', 'b'],
      mediatorSigned: true,
      committeeSealed: false,
    });
  });

  it('sends a field shown only for another value only when that value is chosen', () => {
    const step = PETITION_STEPS['review/decision'];
    expect(stepBody(step, { outcome: 'upheld', revisedOutcome: 'support', reasons: 'r', documentRef: 'd' })).toEqual({
      outcome: 'upheld',
      reasons: 'r',
      documentRef: 'd',
    });
    expect(stepBody(step, { outcome: 'revised', revisedOutcome: 'support', reasons: 'r', documentRef: 'd' })).toMatchObject({ revisedOutcome: 'support' });
  });

  it('reads date-times in China time and instants as they are; anything else is left for the API to refuse', () => {
    expect(isoOf('2026-12-31T23:59:30')).toBe('2026-12-31T15:59:30.000Z');
    expect(isoOf('2026-12-06T01:30:00.000Z')).toBe('2026-12-06T01:30:00.000Z');
    expect(isoOf('tomorrow')).toBeUndefined();
    expect(chinaLocalNow(Date.parse('2026-12-06T16:30:05Z'))).toBe('2026-12-07T00:30:05');
  });

  it('offers a mediator the steps of the state, and nothing to a role without the actions', () => {
    expect(stepsFor(MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS, 'mediating', MEDIATOR).map((s) => s.title)).toEqual([
      '记录调解',
      '达成协议',
      '报告激化风险',
      '延长调解期限',
      '终止调解',
      '归入卷宗材料',
    ]);
    expect(stepsFor(MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS, 'mediating', ['mediation.read', 'mediation.list'])).toEqual([]);
    expect(stepsFor(MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS, 'archived', MEDIATOR)).toEqual([]);
    expect(stepsFor(MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS, 'unknown_state', MEDIATOR)).toEqual([]);
  });

  it('offers a petition officer the opinion while handling and the delivery once it is issued', () => {
    const officer = [
      'petition.read',
      'petition.route',
      'petition.accept',
      'petition.handle',
      'petition.opinion',
      'petition.review',
      'petition.close',
      'petition.supervise',
    ];
    expect(stepsFor(PETITION_STEPS_BY_STATUS, PETITION_STEPS, 'handling', officer).map((s) => s.key)).toEqual([
      'opinion',
      'extension',
      'settlement',
      'supervision',
    ]);
    expect(stepsFor(PETITION_STEPS_BY_STATUS, PETITION_STEPS, 'opinion_issued', officer).map((s) => s.key)).toEqual(['opinion/delivery', 'supervision']);
    // an auditor reads petitions but takes no step
    expect(stepsFor(PETITION_STEPS_BY_STATUS, PETITION_STEPS, 'handling', ['petition.read', 'petition.list'])).toEqual([]);
  });

  it('every step of every state table exists and every step is offered somewhere', () => {
    for (const [table, steps] of [
      [MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS],
      [PETITION_STEPS_BY_STATUS, PETITION_STEPS],
    ] as const) {
      const offered = new Set(Object.values(table).flat());
      expect([...offered].every((k) => k in steps)).toBe(true);
      expect(Object.keys(steps).filter((k) => !offered.has(k as never))).toEqual([]);
    }
  });
});

describe('legal clocks', () => {
  const now = Date.parse('2026-12-06T15:00:00Z'); // 23:00 in China, 6 December
  it('counts whole China-time days', () => {
    expect(daysLeft('2026-12-06T16:00:00Z', now)).toBe(1); // 00:00 on the 7th in China
    expect(daysLeft('2026-12-06T15:59:00Z', now)).toBe(0);
    expect(daysLeft('2026-12-04T16:00:00Z', now)).toBe(-1);
    expect([3, 0, -2].map(daysLeftText)).toEqual(['还剩 3 天', '今天到期', '已超期 2 天']);
  });
});

describe('verification as rows', () => {
  it('gives one row per check, the failed ones with what failed, and the consistency with a kept checkpoint', () => {
    const v: MatterVerification = {
      matterId: 'm',
      ok: false,
      mismatches: [{}],
      stores: [
        {
          context: 'mediation',
          ok: false,
          checkpoint: { checkpoint: { treeSize: 10, rootHash: 'ab'.repeat(32), timestamp: 't' } },
          consistency: { ok: false, reason: 'CONSISTENCY_PROOF_FAILED', fromSize: 12, toSize: 10 },
          streams: [
            {
              streamId: 'mediation-m',
              eventCount: 3,
              chain: { ok: false, reason: 'HASH_MISMATCH', brokenAt: 2 },
              included: { ok: true, treeSize: 10, missing: [] },
              envelope: { ok: true, incomplete: [] },
              readModel: { checked: true, ok: true, differences: [] },
            },
          ],
        },
      ],
    };
    const rows = checkRows(v);
    expect(rows.map((r) => [r.check, r.ok])).toEqual([
      ['哈希链', false],
      ['包含于签名日志', true],
      ['记录要素', true],
      ['查询视图与回放一致', true],
      ['签名检查点', true],
      ['与保存的检查点一致', false],
    ]);
    expect(rows[0].detail).toContain('第 2 条');
    expect(rows[5].detail).toContain('CONSISTENCY_PROOF_FAILED');
  });
});
