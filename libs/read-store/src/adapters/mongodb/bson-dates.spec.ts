import { datesToInstants, instantsToDates, isCanonicalInstant } from './bson-dates';

describe('instants as BSON Dates', () => {
  it('recognises only the toISOString() form that reads back byte for byte', () => {
    expect(isCanonicalInstant('2025-03-01T08:00:00.000Z')).toBe(true);
    for (const other of [
      '2025-03-01',
      '2025-03-01T08:00:00Z',
      '2025-03-01T16:00:00.000+08:00',
      '2025-02-30T08:00:00.000Z',
      '报告于2025-03-01T08:00:00.000Z',
      42,
      null,
    ]) {
      expect(isCanonicalInstant(other)).toBe(false);
    }
  });

  it('turns instants at any depth into Dates and back into the same strings', () => {
    const view = {
      reportedAt: '2025-03-01T08:00:00.000Z',
      day: '2025-03-01',
      timeline: [{ at: '2025-03-02T09:30:15.123Z', note: '2025-03-02T09:30:15.123Z 之后' }],
      dispatch: { dueAt: '2025-03-09T00:00:00.000Z', closedAt: null },
    };
    const stored = instantsToDates(view);
    expect(stored.reportedAt).toBeInstanceOf(Date);
    expect(stored.timeline[0].at).toBeInstanceOf(Date);
    expect(stored.dispatch.dueAt).toBeInstanceOf(Date);
    expect(stored.day).toBe('2025-03-01');
    expect(stored.timeline[0].note).toBe('2025-03-02T09:30:15.123Z 之后');
    expect(datesToInstants(stored)).toEqual(view);
  });

  it('converts query operands the same way', () => {
    const q = instantsToDates({ reportedAt: { $gte: '2025-01-01T00:00:00.000Z', $lt: '2025-02-01T00:00:00.000Z' }, status: 'filed' });
    expect(q.reportedAt.$gte).toEqual(new Date('2025-01-01T00:00:00.000Z'));
    expect(q.status).toBe('filed');
  });
});
