/**
 * Schema evolution (DESIGN §3 "versioned with upcasters"). Every stored event carries the
 * `schemaVersion` of its `data`. An upcaster turns the data of one type from version v into v + 1;
 * the registry chains them on read, so code only ever sees the current version. Stored events are
 * never rewritten: their hash covers the data as written, so verify chains on the raw events
 * (`EventStore.readStream`), and evolve on upcast ones.
 */
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, StreamRevision } from '../event-store.port';

export type UpcastFn = (data: Record<string, unknown>, event: Readonly<StoredEvent>) => Record<string, unknown>;

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, UpcastFn>>();

  /** Registers the upcaster of `type` from `fromVersion` to `fromVersion + 1`. */
  register(type: string, fromVersion: number, upcast: UpcastFn): this {
    if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) throw new Error(`fromVersion must be a positive integer: ${fromVersion}`);
    const steps = this.byType.get(type) ?? new Map<number, UpcastFn>();
    if (steps.has(fromVersion)) throw new Error(`an upcaster for ${type} v${fromVersion} → v${fromVersion + 1} is already registered`);
    steps.set(fromVersion, upcast);
    this.byType.set(type, steps);
    return this;
  }

  /** The version code reads and writes: one past the last upcaster, 1 without upcasters. */
  currentVersion(type: string): number {
    const steps = this.byType.get(type);
    if (!steps || steps.size === 0) return 1;
    return Math.max(...steps.keys()) + 1;
  }

  /** Throws when a type's chain has a hole (e.g. v1→2 and v3→4 but no v2→3). */
  assertComplete(): void {
    for (const [type, steps] of this.byType) {
      for (let v = 1; v < this.currentVersion(type); v++) {
        if (!steps.has(v)) throw new Error(`upcaster missing for ${type} v${v} → v${v + 1}`);
      }
    }
  }

  /**
   * The event as the current version: data upcast step by step, `schemaVersion` set to the current
   * one; every other field (hash included) as stored. An event already current, or newer than this
   * code knows (written by a newer release), is returned unchanged.
   */
  upcast<E extends StoredEvent>(event: E): E {
    const steps = this.byType.get(event.type);
    const current = this.currentVersion(event.type);
    if (!steps || event.schemaVersion >= current) return event;
    let data = event.data as Record<string, unknown>;
    for (let v = event.schemaVersion; v < current; v++) {
      const step = steps.get(v);
      if (!step) throw new Error(`upcaster missing for ${event.type} v${v} → v${v + 1} (event ${event.id})`);
      data = step(data, event);
    }
    return { ...event, schemaVersion: current, data };
  }
}

/**
 * An EventStore whose reads return current-version events. Appends pass through unchanged, and a
 * raw read for verification stays available on the wrapped store.
 */
export class UpcastingEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly upcasters: UpcasterRegistry,
  ) {}

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return (await this.inner.readStream(streamId, options)).map((e) => this.upcasters.upcast(e));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.upcasters.upcast(e));
  }

  streamRevision(streamId: string): Promise<StreamRevision> {
    return this.inner.streamRevision(streamId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export function withUpcasting(store: EventStore, upcasters: UpcasterRegistry): UpcastingEventStore {
  return new UpcastingEventStore(store, upcasters);
}
