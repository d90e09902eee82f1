/**
 * The relay gate: relays start once every context arrived and every hold was released (a service
 * holds them until it listens), and `caughtUpOnce` waits for every relay's first pass, at most a
 * given time. Pure logic: the relays are stand-ins with the two methods the gate calls.
 */
import type { Relay } from '@fengqiao/bus';
import { RelayGate } from './relay-gate';

function standInRelay(): { relay: Relay; catchUp: () => void } {
  let catchUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (catchUp = resolve));
  return { relay: { caughtUpOnce: () => caughtUp, rewind: async () => undefined } as unknown as Relay, catchUp };
}

describe('RelayGate', () => {
  it('starts the relays only when every context arrived and the hold is released', () => {
    const gate = new RelayGate();
    gate.register('intake');
    gate.register('grid-dispatch');
    gate.hold('listening');
    const started: string[] = [];
    gate.arrive('intake', () => started.push('intake'));
    gate.arrive('grid-dispatch', () => started.push('grid-dispatch'));
    expect(started).toEqual([]); // every context is in, the service does not listen yet
    gate.release('listening');
    expect(started).toEqual(['intake', 'grid-dispatch']);
  });

  it('without a hold, the last context to arrive starts them', () => {
    const gate = new RelayGate();
    gate.register('intake');
    const started: string[] = [];
    gate.arrive('intake', () => started.push('intake'));
    expect(started).toEqual(['intake']);
  });

  it('caughtUpOnce waits for the gate to open and for every relay first pass', async () => {
    const gate = new RelayGate();
    gate.register('intake');
    gate.register('petitions');
    gate.hold('listening');
    const a = standInRelay();
    const b = standInRelay();
    let done = false;
    const waiting = gate.caughtUpOnce(60_000).then(() => (done = true));
    gate.arrive('intake', () => undefined, a.relay);
    gate.arrive('petitions', () => undefined, b.relay);
    a.catchUp();
    b.catchUp();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false); // still held: the relays have not started
    gate.release('listening');
    await waiting;
    expect(done).toBe(true);
  });

  it('caughtUpOnce gives up waiting after the time it is given (a relay that never catches up)', async () => {
    const gate = new RelayGate();
    gate.register('intake');
    gate.arrive('intake', () => undefined, standInRelay().relay);
    const t0 = Date.now();
    await gate.caughtUpOnce(100);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });
});
