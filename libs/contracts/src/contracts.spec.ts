import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allContracts, contractOf, registerIntegrationUpcaster, validateIntegrationEvent } from './integration-event';
import { ContractViolation } from './schema/schema';
import { gridDispatchContracts, WORK_ORDER_EVENTS } from './grid-dispatch/grid-dispatch.contracts';
import { IntakeCaseFiledV1 } from './intake/intake.contracts';
import { CalendarNoticesPublishedV1 } from './calendar/calendar.contracts';
import { MEDIATION_CASE_EVENTS, mediationContracts, mediationEventNameOf } from './mediation/mediation.contracts';
import { PETITION_EVENTS, petitionsContracts } from './petitions/petitions.contracts';
import { PrivacySubjectErasedV1 } from './privacy/privacy.contracts';
import './identity/identity.contracts';

const fixturesDir = join(__dirname, '__fixtures__');
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(fixturesDir, f), 'utf8'))] as const);

describe('integration event contracts', () => {
  it.each(fixtures)('golden fixture %s still validates as its contract', (_name, event) => {
    expect(validateIntegrationEvent(event)).toEqual(event);
  });

  it('has a fixture named after each fixture type', () => {
    for (const [name, event] of fixtures) expect(`cn.fengqiao.${name.replace(/\.json$/, '')}`).toBe(event.type);
  });

  it('declares one type per work-order event, all on the grid-dispatch topic', () => {
    expect(Object.keys(gridDispatchContracts)).toEqual(Object.keys(WORK_ORDER_EVENTS));
    const types = allContracts().map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    for (const c of Object.values(gridDispatchContracts)) expect(c.topic).toBe('grid-dispatch.case.events.v1');
  });

  it('declares one type per mediation event, all on the mediation topic, keyed by the mediation case', () => {
    expect(Object.keys(mediationContracts)).toEqual(Object.keys(MEDIATION_CASE_EVENTS));
    for (const [name, c] of Object.entries(mediationContracts)) {
      expect(c.topic).toBe('mediation.case.events.v1');
      expect(mediationEventNameOf(c.type)).toBe(name);
    }
  });

  it("keeps parties' personal data out of the mediation contract", () => {
    const registered = fixtures.find(([n]) => n === 'mediation.case.registered.v1.json')![1];
    expect(violation({ ...registered, data: { ...registered.data, partyNames: ['张三', '李四'] } })).toEqual(['partyNames is not part of the contract']);
    expect(violation({ ...registered, data: { ...registered.data, partyCount: 1 } })).toEqual(['partyCount must be ≥ 2']);
  });

  it('declares one type per petition event, all on the petitions topic, none carrying personal data', () => {
    expect(Object.keys(petitionsContracts)).toEqual(Object.keys(PETITION_EVENTS));
    for (const c of Object.values(petitionsContracts)) expect(c.topic).toBe('petitions.petition.events.v1');
    const registered = fixtures.find(([n]) => n === 'petitions.petition.registered.v1.json')![1];
    expect(() => validateIntegrationEvent({ ...registered, data: { ...registered.data, petitionerName: '张三' } })).toThrow(ContractViolation);
  });

  it('takes directory changes of a known kind only, with safe text', () => {
    const changed = fixtures.find(([n]) => n === 'identity.directory.changed.v1.json')![1];
    expect(violation({ ...changed, data: { ...changed.data, change: { type: 'UserDeleted', userId: 'u-1' } } })).toEqual([
      expect.stringMatching(/^change\.type must be one of/),
    ]);
    expect(violation({ ...changed, data: { ...changed.data, change: { type: 'UnitRenamed', unitId: 'v-1', name: 'a\u0000b' } } })).toEqual([
      expect.stringMatching(/^change\.name must not contain the control character U\+0000/),
    ]);
    expect(violation({ ...changed, data: { ...changed.data, version: 0 } })).toEqual(['version must be ≥ 1']);
  });

  const filed = fixtures.find(([n]) => n === 'intake.case.filed.v1.json')![1];
  const violation = (event: unknown) => {
    try {
      validateIntegrationEvent(event);
    } catch (e) {
      if (e instanceof ContractViolation) return e.issues.map((i) => `${i.path} ${i.reason}`);
      throw e;
    }
    throw new Error('expected a contract violation');
  };

  it('publishes the holiday-notice table on its own topic', () => {
    expect([CalendarNoticesPublishedV1.topic, CalendarNoticesPublishedV1.type]).toEqual([
      'calendar.notices.events.v1',
      'cn.fengqiao.calendar.notices.published.v1',
    ]);
  });

  it('names the field and the reason of every violation', () => {
    expect(violation({ ...filed, data: { ...filed.data, urgency: 'whenever', gridId: 3 } })).toEqual([
      'urgency must be one of normal, urgent, very_urgent',
      'gridId must be a string',
    ]);
    expect(violation({ ...filed, data: { ...filed.data, reporterPhone: '13800000000' } })).toEqual(['reporterPhone is not part of the contract']);
    const { caseId: _omit, ...withoutCase } = filed.data;
    expect(violation({ ...filed, data: withoutCase })).toEqual(['caseId must be a string']);
    expect(violation({ ...filed, data: { ...filed.data, filedAt: '2026-03-02 09:15' } })).toEqual(['filedAt must be an ISO-8601 time with a timezone']);
  });

  it('rejects an unknown type and a missing envelope field', () => {
    expect(violation({ ...filed, type: 'cn.fengqiao.intake.case.vanished.v1' })).toEqual(['type is not a known contract']);
    expect(violation({ ...filed, subject: '' })).toEqual(['subject is required']);
  });

  it('upcasts an older shape before validating', () => {
    // an imagined earlier producer that called the level "centreLevel"
    registerIntegrationUpcaster(IntakeCaseFiledV1.type, (data) => {
      if (!('centreLevel' in data)) return data;
      const { centreLevel, ...rest } = data;
      return { ...rest, level: centreLevel };
    });
    const { level, ...rest } = filed.data;
    const old = { ...filed, data: { ...rest, centreLevel: level } };
    expect(validateIntegrationEvent(old).data).toEqual(filed.data);
    expect(contractOf(IntakeCaseFiledV1.type)?.label).toBe('立案');
  });
});

describe('the privacy contract', () => {
  it('is on its own topic and carries no reason (it may hold personal data)', () => {
    expect(PrivacySubjectErasedV1.topic).toBe('privacy.subject.events.v1');
    expect(() =>
      validateIntegrationEvent({
        id: 'e-1',
        type: PrivacySubjectErasedV1.type,
        source: '/fengqiao/intake',
        subject: 'reporter-c-1',
        time: '2026-12-06T03:40:00.000Z',
        correlationId: 'e-1',
        causationId: 'e-1',
        data: { subjectId: 'reporter-c-1', requestedIn: 'intake', requestedAt: '2026-12-06T03:40:00.000Z', requestId: 'r-1', reason: '本人申请' },
      }),
    ).toThrow(ContractViolation);
  });
});
