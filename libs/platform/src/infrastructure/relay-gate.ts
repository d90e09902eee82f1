import { Bus, Relay } from '@fengqiao/bus';

/**
 * Holds back the relays of the contexts sharing one bus until every one of them has subscribed
 * its consumers. Standalone runs five contexts on one in-process bus, which resolves a publish to
 * a topic nobody listens to yet at once; with relay checkpoints persisted, a message published
 * before its consumer subscribed and followed by a crash would never reach it. Contexts register
 * when their providers are built (before any starts) and arrive when subscribed.
 */
export class RelayGate {
  private readonly expected = new Set<string>();
  private readonly arrived = new Set<string>();
  private waiting: (() => void)[] = [];
  private readonly relays = new Map<string, Relay>();
  private opened: Promise<void>;
  private open!: () => void;

  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  register(context: string): void {
    this.expected.add(context);
  }

  /** A stopped context must arrive again (after a restart on the same bus) before relays start. */
  leave(context: string): void {
    this.arrived.delete(context);
    this.relays.delete(context);
    if ([...this.expected].every((c) => this.arrived.has(c))) return;
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  arrive(context: string, start: () => void, relay?: Relay): void {
    this.arrived.add(context);
    if (relay) this.relays.set(context, relay);
    this.waiting.push(start);
    if ([...this.expected].every((c) => this.arrived.has(c))) {
      const run = this.waiting;
      this.waiting = [];
      for (const fn of run) fn();
      this.open();
    }
  }

  /**
   * Stops every relay on this bus (the process is stopping): before any context closes its
   * consumers, so that no relay publishes to a consumer group that already left (the in-process bus
   * refuses such a publish, and the relay logged it as a failed pass at every stop during a replay).
   */
  async stopAll(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
  }

  /** Once the relays run: every relay on this bus publishes its store again from the start; resolves when all caught up. */
  async rewind(): Promise<void> {
    await this.opened;
    await Promise.all([...this.relays.values()].map((r) => r.rewind()));
  }
}

const gates = new WeakMap<Bus, RelayGate>();

export function relayGateOf(bus: Bus): RelayGate {
  let gate = gates.get(bus);
  if (!gate) {
    gate = new RelayGate();
    gates.set(bus, gate);
  }
  return gate;
}
