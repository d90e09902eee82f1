/**
 * The Merkle log of an event store (DESIGN §4): leaves are the events' hashes in `readAll` order.
 * Kept in memory and filled from the store itself, so the store stays the only copy of the leaves:
 * a service calls `catchUp()` before `MerkleCheckpointer.checkpoint()`, an auditor calls it once.
 */
import type { EventStore, StoredEvent } from '../event-store.port';
import { MerkleLog, eventHashLeaf } from '../merkle';

export interface EventStoreMerkleLogOptions {
  /** Events per `readAll` page. Default 1000. */
  pageSize?: number;
}

export class EventStoreMerkleLog {
  readonly log = new MerkleLog();
  private last = 0;
  private readonly pageSize: number;

  constructor(
    private readonly store: EventStore,
    options: EventStoreMerkleLogOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Global position of the last event in the log (0 when empty). */
  get lastPosition(): number {
    return this.last;
  }

  /**
   * Appends every event stored after the last one seen; returns the new tree size. `onEvent` sees
   * each event with its leaf index, before it is appended.
   */
  async catchUp(onEvent?: (event: StoredEvent, leafIndex: number) => void): Promise<number> {
    for (;;) {
      const page = await this.store.readAll({ afterPosition: this.last, maxCount: this.pageSize });
      if (page.length === 0) return this.log.size;
      for (const event of page) {
        if (event.globalPosition <= this.last) {
          throw new Error(`readAll went backwards: position ${event.globalPosition} after ${this.last}`);
        }
        onEvent?.(event, this.log.size);
        this.log.append(eventHashLeaf(event.hash));
        this.last = event.globalPosition;
      }
    }
  }
}
