import { assertNever, fold, Decider, Command, Event } from './decider';
import { DomainError, ValidationError } from './domain-error';
import { isUuidV7, newId } from './ids';
import { FixedClock } from './clock';

type CounterEvent = Event<'Incremented', { by: number }> | Event<'Reset', Record<string, never>>;
const counter: Decider<number, Command, CounterEvent> = {
  initialState: () => 0,
  decide: () => [],
  evolve: (s, e) => {
    switch (e.type) {
      case 'Incremented':
        return s + (e.data as { by: number }).by;
      case 'Reset':
        return 0;
      default:
        return assertNever(e as never, 'event');
    }
  },
};

describe('kernel', () => {
  it('folds events through evolve from the initial state', () => {
    const events: CounterEvent[] = [
      { type: 'Incremented', data: { by: 2 } },
      { type: 'Incremented', data: { by: 3 } },
      { type: 'Reset', data: {} },
      { type: 'Incremented', data: { by: 4 } },
    ];
    expect(fold(counter, events)).toBe(4);
  });

  it('assertNever throws on an unexpected value', () => {
    expect(() => assertNever('x' as never)).toThrow('Unexpected value: "x"');
  });

  it('DomainError subclasses keep a stable code and kind', () => {
    const e = new ValidationError('CASE.CATEGORY_REQUIRED', '请选择事件类别');
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe('CASE.CATEGORY_REQUIRED');
    expect(e.kind).toBe('validation');
    expect(e.name).toBe('ValidationError');
  });

  it('newId gives distinct, time-ordered UUIDv7 values', () => {
    const ids = Array.from({ length: 50 }, () => newId());
    expect(ids.every(isUuidV7)).toBe(true);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });

  it('FixedClock moves only when told', () => {
    const c = new FixedClock('2026-01-01T00:00:00Z');
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    c.advance(1000);
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });
});

describe('deterministicEventId', () => {
  // imported lazily to keep the top of the file about deciders
  const { deterministicEventId } = jest.requireActual<typeof import('./ids')>('./ids');
  it('is a valid UUIDv7, stable for a seed, different across seeds', () => {
    const t = Date.parse('2026-03-01T08:00:00Z');
    const a = deterministicEventId('evt-1/grid-dispatch/0', t);
    expect(isUuidV7(a)).toBe(true);
    expect(deterministicEventId('evt-1/grid-dispatch/0', t)).toBe(a);
    expect(deterministicEventId('evt-1/grid-dispatch/1', t)).not.toBe(a);
  });
  it('sorts by the time it was given', () => {
    const early = deterministicEventId('z', Date.parse('2026-01-01T00:00:00Z'));
    const late = deterministicEventId('a', Date.parse('2026-01-02T00:00:00Z'));
    expect(early < late).toBe(true);
  });
});
