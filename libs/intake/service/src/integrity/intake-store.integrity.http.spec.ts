import { verifyStore } from '@fengqiao/event-store';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/**
 * The hash chains of a store filled by the real intake service through HTTP, with human actors
 * carrying every envelope field (their directory version included), verify untouched: append and
 * verify hash the same bytes. A changed byte is found.
 */
describe('intake store integrity (filled through the API)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('every chain recomputes after reports, accepts and declines by human actors', async () => {
    const caseIds: string[] = [];
    for (const gridId of ['g-1-1-1', 'g-1-1-2']) {
      const { caseId } = await t.report('districtOperator', {
        channel: 'hotline',
        category: 'garbage_overflow',
        description: '垃圾桶满溢',
        location: { point: pointIn(gridId) },
      });
      caseIds.push(caseId);
    }
    const accepted = await t.call('POST', `/intake/cases/${caseIds[0]}/accept`, { as: 'village11Operator', body: { reason: '属实' } });
    expect(accepted.status).toBe(200);
    const stored = await t.storedEvents();
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const human = stored.filter((e) => e.actor.role !== 'system');
    expect(human.length).toBeGreaterThanOrEqual(3);
    for (const e of human) expect(typeof e.actor.directoryVersion).toBe('number');

    const result = await verifyStore(t.runtime.infra.events);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
