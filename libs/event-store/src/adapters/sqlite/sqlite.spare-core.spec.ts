/**
 * When read-ahead may take a core (`SpareCoreProbe`, issue 15): judged from what the REST of the
 * machine used in the last window, not from the 1-minute load average, which lags a minute behind
 * and counts this process's own threads.
 */
import { SPARE_CORE_SAMPLE_MS, SPARE_CORE_STALE_MS, SpareCoreProbe, type CpuSample } from './sqlite-read-ahead';

/** A fake machine: the test moves the clock and the busy times; the probe samples it. */
function machine(cores: number, loadAverage: number) {
  const now: CpuSample & { wallMs: number } = { wallMs: 0, machineBusyMs: 0, ownMs: 0 };
  const state = { loadAverage, samples: 0 };
  const probe = new SpareCoreProbe(
    () => {
      state.samples++;
      return { machineBusyMs: now.machineBusyMs, ownMs: now.ownMs };
    },
    cores,
    () => state.loadAverage,
    () => now.wallMs,
  );
  /** `ms` of wall time pass, in which this process used `own` cores and the other processes `others`. */
  const pass = (ms: number, own: number, others: number) => {
    now.wallMs += ms;
    now.ownMs += own * ms;
    now.machineBusyMs += (own + others) * ms;
  };
  return { probe, pass, state };
}

describe('SpareCoreProbe', () => {
  it('with no window yet, falls back to the load average (which counts the replay itself): load ≤ cores', () => {
    expect(machine(2, 1.9).probe.spare()).toBe(true);
    expect(machine(2, 2.6).probe.spare()).toBe(false);
  });

  it('after a busy minute, reads ahead as soon as the rest of the machine is idle: the load average alone would say no', () => {
    const m = machine(2, 3.1); // the last minute was busy (e.g. a bulk load)
    expect(m.probe.spare()).toBe(false);
    m.pass(SPARE_CORE_SAMPLE_MS, 1.6, 0.1); // now: the replay and its worker, nothing else
    expect(m.probe.spare()).toBe(true);
  });

  it("does not count this process's own threads (the replay, its worker, the collector) as the machine being busy", () => {
    const m = machine(2, 1.0);
    m.probe.spare();
    m.pass(SPARE_CORE_SAMPLE_MS, 1.9, 0); // both cores busy, all of it ours
    expect(m.probe.spare()).toBe(true);
  });

  it('stops reading ahead while other processes take more than all cores but one', () => {
    const m = machine(2, 0.5);
    m.probe.spare();
    m.pass(SPARE_CORE_SAMPLE_MS, 1.0, 1.4);
    expect(m.probe.spare()).toBe(false);
    m.pass(SPARE_CORE_SAMPLE_MS, 1.0, 0.8); // they leave a core again
    expect(m.probe.spare()).toBe(true);
    const four = machine(4, 0.5);
    four.probe.spare();
    four.pass(SPARE_CORE_SAMPLE_MS, 1.0, 2.9);
    expect(four.probe.spare()).toBe(true);
  });

  it('samples at most once per period (asked at every page) and keeps its answer meanwhile; a stale window is not used', () => {
    const m = machine(2, 0.5);
    m.probe.spare();
    m.pass(SPARE_CORE_SAMPLE_MS / 2, 1.0, 1.9);
    expect(m.probe.spare()).toBe(true); // too soon: the answer of the last sample
    expect(m.state.samples).toBe(1);
    m.pass(SPARE_CORE_SAMPLE_MS, 1.0, 1.9);
    expect(m.probe.spare()).toBe(false);
    // a long quiet spell with no page asked: the window is too old to say anything about now
    m.pass(SPARE_CORE_STALE_MS + 1, 0, 0);
    m.state.loadAverage = 2.5;
    expect(m.probe.spare()).toBe(false);
    m.pass(SPARE_CORE_SAMPLE_MS, 1.0, 0.2);
    expect(m.probe.spare()).toBe(true);
  });
});
