/**
 * The holiday-notice table on a real (embedded) event store: loads without If-Match that race
 * each other all land, one version each; with If-Match a version published in between is still a
 * revision conflict.
 */
import { SqliteEventStore, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { Actor, CalendarNoticeData, FixedClock } from '@fengqiao/kernel';
import type { ContextRuntime } from '../infrastructure/context-runtime';
import { CalendarNoticesService } from './calendar-notices.service';

const admin: Actor = { userId: 'u-admin', role: 'admin', unitId: 'd-fq' };
const by = { actor: admin, jurisdiction: ['d-fq'] };
const notice = (year: number): CalendarNoticeData => ({
  region: 'CN',
  year,
  source: { title: `${year}年部分节假日安排`, issuedOn: `${year - 1}-11-01` },
  periods: [{ name: '元旦', from: `${year}-01-01`, to: `${year}-01-01` }],
  makeUpWorkdays: [],
});

describe('CalendarNoticesService', () => {
  let store: SqliteEventStore;
  let service: CalendarNoticesService;

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    service = new CalendarNoticesService(new FixedClock('2026-12-01T00:00:00Z'), { CN: '全国' });
    await service.start({ infra: { events: store } } as unknown as ContextRuntime);
  });
  afterEach(() => store.close());

  it('takes concurrent loads without If-Match one after the other (found by hand: 1 of 12 concurrent PUT /calendars/notices was a 412 for a client that sent no If-Match)', async () => {
    const years = [2027, 2028, 2029, 2030, 2031, 2032];
    const results = await Promise.allSettled(years.map((y) => service.load(notice(y), by)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const current = await service.notices.current();
    expect(current?.version).toBe(1 + years.length);
    expect(current?.rows.map((n) => n.year)).toEqual(expect.arrayContaining(years));
    // and an import racing a load
    const [imported, loaded] = await Promise.allSettled([service.import([notice(2033), notice(2034)], by), service.load(notice(2035), by)]);
    expect([imported.status, loaded.status]).toEqual(['fulfilled', 'fulfilled']);
    expect((await service.notices.current())?.rows.map((n) => n.year)).toEqual(expect.arrayContaining([2033, 2034, 2035]));
  });

  it('still refuses a load whose If-Match names a version another load replaced', async () => {
    const seen = (await service.notices.current())!.version;
    await service.load(notice(2027), by);
    await expect(service.load(notice(2028), by, { expectedVersion: seen })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const results = await Promise.allSettled([2029, 2030].map((y) => service.load(notice(y), by, { expectedVersion: seen + 1 })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
