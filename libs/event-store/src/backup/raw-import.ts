import type { StoredEvent } from '../event-store.port';

/**
 * The raw import path of an adapter, for restoring a backup into an EMPTY store: events go in
 * exactly as they were stored (id, stream, revision, global position, recordedAt, hash), not
 * through `append` (which would assign new positions, times and hashes). The caller has checked
 * every record (chains, positions) and gives them in increasing global position.
 */
export interface RawEventImport {
  /** events already in the store */
  count(): Promise<number>;
  insert(events: readonly StoredEvent[]): Promise<void>;
  close(): Promise<void>;
}
