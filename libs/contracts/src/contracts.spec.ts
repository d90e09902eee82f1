import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allContracts, contractOf, registerIntegrationUpcaster, validateIntegrationEvent } from './integration-event';
import { ContractViolation } from './schema/schema';
import { gridDispatchContracts, WORK_ORDER_EVENTS } from './grid-dispatch/grid-dispatch.contracts';
import { IntakeCaseFiledV1 } from './intake/intake.contracts';
import { CalendarNoticesPublishedV1 } from './calendar/calendar.contracts';

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
    expect([CalendarNoticesPublishedV1.topic, CalendarNoticesPublishedV1.type]).toEqual(['calendar.notices.events.v1', 'cn.fengqiao.calendar.notices.published.v1']);
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
