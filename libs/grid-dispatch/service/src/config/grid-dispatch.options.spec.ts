import { FixedClock } from '@fengqiao/kernel';
import { clockFromEnv, GridDispatchConfigError, offsetClock, resolveGridDispatchOptions } from './grid-dispatch.options';

describe('grid-dispatch settings', () => {
  it('has defaults for a production start', () => {
    const o = resolveGridDispatchOptions({}, {}, null);
    expect(o).toMatchObject({
      timerIntervalMs: 30_000,
      projectorIntervalMs: 500,
      calendarId: 'CN',
      seed: null,
      seedReferenceData: undefined,
      runScheduler: true,
    });
  });

  it('reads the environment, and options win over it', () => {
    const env = {
      GRID_DISPATCH_TIMER_INTERVAL_MS: '1000',
      GRID_DISPATCH_SEED_REFERENCE_DATA: 'false',
      GRID_DISPATCH_RUN_SCHEDULER: 'no',
      GRID_DISPATCH_CALENDAR: 'CN',
    };
    expect(resolveGridDispatchOptions({}, env, null)).toMatchObject({ timerIntervalMs: 1000, seedReferenceData: false, runScheduler: false });
    expect(resolveGridDispatchOptions({ timerIntervalMs: 5, runScheduler: true }, env, null)).toMatchObject({ timerIntervalMs: 5, runScheduler: true });
  });

  it('refuses settings it cannot read, naming the variable', () => {
    expect(() => resolveGridDispatchOptions({}, { GRID_DISPATCH_TIMER_INTERVAL_MS: '0' }, null)).toThrow(
      new GridDispatchConfigError('GRID_DISPATCH_TIMER_INTERVAL_MS must be a positive whole number, got "0"'),
    );
    expect(() => resolveGridDispatchOptions({}, { GRID_DISPATCH_SEED_REFERENCE_DATA: 'perhaps' }, null)).toThrow(
      /GRID_DISPATCH_SEED_REFERENCE_DATA must be true or false/,
    );
    expect(() => clockFromEnv({ FENGQIAO_CLOCK_OFFSET_MS: '1.5' })).toThrow(/FENGQIAO_CLOCK_OFFSET_MS/);
  });

  it('shifts "now" by FENGQIAO_CLOCK_OFFSET_MS', () => {
    const base = new FixedClock('2026-03-02T00:00:00Z');
    expect(offsetClock(86_400_000, base).now().toISOString()).toBe('2026-03-03T00:00:00.000Z');
    const shifted = clockFromEnv({ FENGQIAO_CLOCK_OFFSET_MS: '3600000' }).now().getTime() - Date.now();
    expect(shifted).toBeGreaterThan(3_590_000);
    expect(shifted).toBeLessThan(3_610_000);
  });
});
