import { JOURNEY_GRID_EVENTS, JOURNEY_INTAKE_EVENTS, storeProblems } from './chaos';

const full = (caseId: string) => ({ caseId, grid: [...JOURNEY_GRID_EVENTS], intake: [...JOURNEY_INTAKE_EVENTS] });

/** The campaign's store checks must see a lost and a doubled event (they decide the campaign's verdict). */
describe('fault campaign: store checks', () => {
  const journey = (caseId: string) => ({
    grid: JOURNEY_GRID_EVENTS.map((type, i) => ({ id: `${caseId}-g${i}`, type, streamId: `grid-case-${caseId}` })),
    intake: JOURNEY_INTAKE_EVENTS.map((type, i) => ({ id: `${caseId}-i${i}`, type, streamId: `grid-case-report-${caseId}` })),
  });

  it('finds nothing when every journey event is stored once', () => {
    const a = journey('a');
    const b = journey('b');
    expect(storeProblems([...a.grid, ...b.grid], [...a.intake, ...b.intake], [full('a'), full('b')])).toEqual({ lost: 0, doubled: 0, problems: [] });
  });

  it('counts an event missing from a case stream as lost', () => {
    const a = journey('a');
    const r = storeProblems(
      a.grid.filter((e) => e.type !== 'DispatchAccepted'),
      a.intake,
      [full('a')],
    );
    expect([r.lost, r.doubled]).toEqual([1, 0]);
    expect(r.problems).toEqual(["a: DispatchAccepted missing in grid-dispatch's store"]);
  });

  it('counts a second work order for one filed case as doubled, and an event id stored twice', () => {
    const a = journey('a');
    const again = { id: 'a-other', type: 'WorkOrderOpened', streamId: 'grid-case-a' };
    expect(storeProblems([...a.grid, again], a.intake, [full('a')])).toMatchObject({ lost: 0, doubled: 1 });
    const r = storeProblems(a.grid, [...a.intake, a.intake[0]], [full('a')]);
    expect([r.lost, r.doubled]).toEqual([0, 2]); // the id twice, and CaseReported twice in its stream
  });

  it("does not count another case's events for a journey case", () => {
    const a = journey('a');
    const b = journey('b');
    const r = storeProblems(b.grid, [...a.intake, ...b.intake], [full('a')]);
    expect(r.lost).toBe(JOURNEY_GRID_EVENTS.length);
  });

  it('expects only what the accepted commands asked for (a journey that stopped after filing)', () => {
    const a = journey('a');
    const opened = a.grid.slice(0, 1);
    expect(storeProblems(opened, a.intake, [{ caseId: 'a', grid: ['WorkOrderOpened'], intake: [...JOURNEY_INTAKE_EVENTS] }])).toEqual({
      lost: 0,
      doubled: 0,
      problems: [],
    });
    expect(storeProblems(opened, a.intake, [full('a')]).lost).toBe(JOURNEY_GRID_EVENTS.length - 1);
  });
});
