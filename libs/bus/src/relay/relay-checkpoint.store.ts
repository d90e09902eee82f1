/**
 * Where a relay keeps how far it has published: the `globalPosition` of the last event of the
 * event store that reached the bus. One checkpoint per relay name (e.g. `intake.relay`).
 *
 * Named `RelayCheckpointStore` so it is not confused with the Merkle log's `CheckpointStore`
 * of `@fengqiao/event-store`.
 */
export interface RelayCheckpointStore {
  /** The saved position, or undefined before the first save. */
  get(name: string): Promise<number | undefined>;
  /**
   * Saves `position` if it is greater than the saved one (a checkpoint never moves backwards,
   * also when two relay instances race). Resolves once the write is durable.
   */
  set(name: string, position: number): Promise<void>;
}

export function assertPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 0) throw new TypeError(`checkpoint position must be a safe integer ≥ 0, got ${position}`);
}

export function assertRelayName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new TypeError('relay name must be a non-empty string (≤ 200 chars)');
}

/** In memory: for tests, and for a relay whose bus is itself in memory and needs no restart. */
export class InMemoryRelayCheckpointStore implements RelayCheckpointStore {
  private readonly positions = new Map<string, number>();

  async get(name: string): Promise<number | undefined> {
    assertRelayName(name);
    return this.positions.get(name);
  }

  async set(name: string, position: number): Promise<void> {
    assertRelayName(name);
    assertPosition(position);
    this.positions.set(name, Math.max(position, this.positions.get(name) ?? 0));
  }
}
