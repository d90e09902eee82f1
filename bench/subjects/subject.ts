/**
 * A contender on one backend: our adapter, Emmett's event store, or the backend's raw inserts. Each
 * workload drives every contender through this one interface, so they all run the same loop.
 */
import type { BenchEvent, FoldState } from '../lib/events';

/** One opened store with its own fresh storage (a new file or collection per run). */
export interface Session {
  /**
   * Appends `events` to `streamId` after `expectedRevision` (`-1`: the stream is new) and returns
   * the revision of the last event written. Raw baselines do no check and trust the caller.
   */
  append(streamId: string, events: BenchEvent[], expectedRevision: number): Promise<number>;
  /** Reads the whole stream and folds it with the trivial evolve. */
  readAndFold(streamId: string): Promise<FoldState>;
  /** Reads the whole store from position 0 in pages; absent when the store has no global read. */
  replayAll?(pageSize: number, onPage?: (events: number) => void): Promise<number>;
  close(): Promise<void>;
  /** The database file, for embedded stores whose data another contender can read directly. */
  file?: string;
}

export type ContenderKind = 'ours' | 'emmett' | 'raw';

export interface Subject {
  kind: ContenderKind;
  /** What exactly runs, e.g. `SqliteEventStore (synchronous=FULL)`. */
  label: string;
  /** Why this contender cannot run here, when it cannot (the workloads then record that). */
  unavailable?: string;
  /** Opens a session on fresh storage named after `tag`. */
  open(tag: string): Promise<Session>;
  /**
   * Opens, read-only, a file another contender filled (same table layout): the replay baseline then
   * reads exactly the rows the store wrote instead of loading its own copy.
   */
  attach?(file: string): Promise<Session>;
  /** Removes everything the subject created (files, collections). */
  cleanup(): Promise<void>;
}
