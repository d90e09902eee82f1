/**
 * The relay gate's stop: a stopping process stops every relay at once, before any context closes
 * its consumers (holding relays back until every context subscribed: context-runtime.spec.ts).
 * Pure logic: the relays are stand-ins with the methods the gate calls.
 */
import type { Relay } from '@fengqiao/bus';
import { RelayGate } from './relay-gate';

function standInRelay(stops: string[], name: string): Relay {
  return { stop: async () => void stops.push(name), rewind: async () => undefined } as unknown as Relay;
}

describe('RelayGate', () => {
  it('stopAll stops the relay of every context on the bus', async () => {
    const gate = new RelayGate();
    gate.register('intake');
    gate.register('mediation');
    const stops: string[] = [];
    gate.arrive('intake', () => undefined, standInRelay(stops, 'intake'));
    gate.arrive('mediation', () => undefined, standInRelay(stops, 'mediation'));
    await gate.stopAll();
    expect(stops.sort()).toEqual(['intake', 'mediation']);
  });
});
