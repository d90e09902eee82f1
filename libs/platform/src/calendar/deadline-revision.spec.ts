import {
  calendarsFromNotices,
  CN_NATIONAL_CALENDAR,
  computeDeadline,
  Deadline,
  IllegalStateError,
  reviseDeadline,
  SHIPPED_CALENDAR_NOTICES,
  WorkingCalendar,
  withNotice,
} from '@fengqiao/kernel';
import { TEST_NOTICE_2027 } from '@fengqiao/kernel/testing';
import { EmbeddedReadStore } from '@fengqiao/read-store';
import { DeadlineRevisionTarget, reviseOpenDeadlines } from './deadline-revision';

/**
 * The revision runner over a small deadline book (the shape a context's target has: list the open
 * cases, revise one with the new calendar through the kernel's reviseDeadline), on the embedded
 * read store: once per calendar version, resumable after a crash, idempotent.
 */
class DeadlineBook implements DeadlineRevisionTarget {
  readonly context = 'book';
  readonly calls: string[] = [];
  crashOn?: string;
  closed = new Set<string>();
  constructor(
    readonly deadlines: Map<string, Deadline>,
    private readonly calendar: () => WorkingCalendar,
  ) {}
  async openCaseIds(): Promise<string[]> {
    return [...this.deadlines.keys()].sort();
  }
  async revise(caseId: string): Promise<number> {
    this.calls.push(caseId);
    if (this.crashOn === caseId) {
      this.crashOn = undefined;
      throw new Error('the store went away');
    }
    if (this.closed.has(caseId)) throw new IllegalStateError('BOOK.CLOSED', '已办结', { caseId });
    const next = reviseDeadline(this.deadlines.get(caseId)!, this.calendar());
    if (next === null) return 0;
    this.deadlines.set(caseId, next);
    return 1;
  }
}

describe('reviseOpenDeadlines', () => {
  const [cn2027] = calendarsFromNotices(withNotice(SHIPPED_CALENDAR_NOTICES, TEST_NOTICE_2027), { tableVersion: 2 });
  const handling = { ruleId: 'petition.handling', duration: 60, unit: 'calendar_days' as const };
  const book = () =>
    new DeadlineBook(
      new Map([
        ['p-1', computeDeadline(handling, '2026-12-10T09:00:00+08:00', CN_NATIONAL_CALENDAR)], // → 02-09, revised to 02-12
        ['p-2', computeDeadline(handling, '2026-06-01T09:00:00+08:00', CN_NATIONAL_CALENDAR)], // all in 2026: unchanged
        ['p-3', computeDeadline(handling, '2026-12-11T09:00:00+08:00', CN_NATIONAL_CALENDAR)], // → 02-09, revised to 02-12
      ]),
      () => cn2027,
    );
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = new EmbeddedReadStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('revises what changed, once: a second run for the same version does nothing', async () => {
    const b = book();
    const first = await reviseOpenDeadlines(b, store, '2027-2', 'n');
    expect([first.revised, first.unchanged, first.failed]).toEqual([['p-1', 'p-3'], 1, []]);
    expect(b.deadlines.get('p-1')).toMatchObject({ lastDay: '2027-02-12', calendarVersion: '2027-2' });
    const again = await reviseOpenDeadlines(b, store, '2027-2', 'n');
    expect(again).toMatchObject({ alreadyDone: true, revised: [] });
    expect(b.calls).toEqual(['p-1', 'p-2', 'p-3']);
  });

  it('a crash half-way stops the run; the redelivered message resumes after the last finished case', async () => {
    const b = book();
    b.crashOn = 'p-2';
    await expect(reviseOpenDeadlines(b, store, '2027-2', 'n')).rejects.toThrow('the store went away');
    const resumed = await reviseOpenDeadlines(b, store, '2027-2', 'n');
    expect(resumed.revised).toEqual(['p-3']);
    expect(b.calls).toEqual(['p-1', 'p-2', 'p-2', 'p-3']); // p-1 is not asked again
    expect([...b.deadlines.values()].filter((d) => d.lastDay === '2027-02-12')).toHaveLength(2);
  });

  it('a case the domain refuses is reported and the others go on', async () => {
    const b = book();
    b.closed.add('p-1');
    const outcome = await reviseOpenDeadlines(b, store, '2027-2', 'n');
    expect(outcome.failed).toEqual([{ caseId: 'p-1', error: 'BOOK.CLOSED: 已办结' }]);
    expect(outcome.revised).toEqual(['p-3']);
  });
});
