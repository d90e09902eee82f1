/**
 * The audit follower's state in SQLite (standalone mode: the `checkpoints.sqlite` of a context,
 * beside the signed checkpoints; issue 15). Memory stays O(log n) whatever the store's size: the
 * Merkle nodes are tiles in `merkle_tiles` (SqliteMerkleNodes), the leaves' positions are runs of
 * consecutive positions in `audit_leaf_runs` (one row for the dense positions of the SQLite and
 * MongoDB stores), the key index is `audit_stream_keys` (with each stream's first leaf in
 * `audit_streams`, for the order), the progress one row of `audit_follower`. A page of the
 * follower is one transaction.
 *
 * Its own connection, `synchronous = NORMAL` (WAL): everything here can be rebuilt from the event
 * store, so a power cut may cost the last pages (the follower reads them again) but never leaves
 * a torn state; the signed checkpoints keep their own connection with `synchronous = FULL`.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteMerkleNodes } from '../merkle/sqlite-merkle-nodes';
import type { AuditFollowerProgress, AuditFollowerState } from './audit-follower-state';

export interface SqliteAuditFollowerStateOptions {
  /** A file path (the state opens and owns a connection) or an open database to share. */
  database: string | DatabaseSync;
}

interface Run {
  firstLeaf: number;
  firstPosition: number;
}

export class SqliteAuditFollowerState implements AuditFollowerState {
  readonly nodes: SqliteMerkleNodes;
  private readonly db: DatabaseSync;
  private readonly ownsDb: boolean;
  private committed: AuditFollowerProgress;
  /** The last run of consecutive positions (committed or not) and the runs added since the last commit. */
  private lastRun: Run | undefined;
  private newRuns: Run[] = [];
  /** key → stream → first leaf, added since the last commit (deduplicated: a page repeats them). */
  private newKeys = new Map<string, Map<string, number>>();
  /** stream → its first leaf, for the streams first seen since the last commit (or seen again: the insert keeps the first). */
  private newStreams = new Map<string, number>();
  private readonly statements: Record<
    'runAtLeaf' | 'runAtPosition' | 'nextRun' | 'runsBetween' | 'insertRun' | 'insertKey' | 'insertStream' | 'saveProgress',
    StatementSync
  >;

  constructor(options: SqliteAuditFollowerStateOptions) {
    this.ownsDb = typeof options.database === 'string';
    this.db = typeof options.database === 'string' ? new DatabaseSync(options.database) : options.database;
    if (this.ownsDb) this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS audit_follower (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        tree_size INTEGER NOT NULL,
        last_position INTEGER NOT NULL,
        keys_version TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS audit_leaf_runs (
        first_leaf INTEGER PRIMARY KEY,
        first_position INTEGER NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE IF NOT EXISTS audit_stream_keys (
        key TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        first_leaf INTEGER NOT NULL,
        PRIMARY KEY (key, stream_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS audit_streams (
        stream_id TEXT PRIMARY KEY,
        first_leaf INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;`);
    this.nodes = new SqliteMerkleNodes(this.db);
    this.statements = {
      runAtLeaf: this.db.prepare(
        'SELECT first_leaf AS firstLeaf, first_position AS firstPosition FROM audit_leaf_runs WHERE first_leaf <= ? ORDER BY first_leaf DESC LIMIT 1',
      ),
      runAtPosition: this.db.prepare(
        'SELECT first_leaf AS firstLeaf, first_position AS firstPosition FROM audit_leaf_runs WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1',
      ),
      nextRun: this.db.prepare('SELECT first_leaf AS firstLeaf FROM audit_leaf_runs WHERE first_leaf > ? ORDER BY first_leaf LIMIT 1'),
      runsBetween: this.db.prepare(
        'SELECT first_leaf AS firstLeaf, first_position AS firstPosition FROM audit_leaf_runs WHERE first_leaf > ? AND first_leaf < ? ORDER BY first_leaf',
      ),
      insertRun: this.db.prepare('INSERT INTO audit_leaf_runs (first_leaf, first_position) VALUES (?, ?)'),
      insertKey: this.db.prepare('INSERT INTO audit_stream_keys (key, stream_id, first_leaf) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      insertStream: this.db.prepare('INSERT INTO audit_streams (stream_id, first_leaf) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      saveProgress: this.db.prepare(
        `INSERT INTO audit_follower (id, tree_size, last_position, keys_version) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, last_position = excluded.last_position, keys_version = excluded.keys_version`,
      ),
    };
    this.committed = this.readProgress();
    try {
      this.nodes.load(this.committed.treeSize);
    } catch {
      // tiles missing for the recorded size (a copied or hand-edited file): start over
      this.clear();
    }
    this.lastRun = this.committed.treeSize > 0 ? this.runAtLeaf(this.committed.treeSize - 1) : undefined;
  }

  progress(): AuditFollowerProgress {
    return { ...this.committed };
  }

  addLeaf(leaf: number, position: number): void {
    const run = this.lastRun;
    if (run && position === run.firstPosition + (leaf - run.firstLeaf)) return;
    this.lastRun = { firstLeaf: leaf, firstPosition: position };
    this.newRuns.push(this.lastRun);
  }

  addStreamKey(key: string, streamId: string, leaf: number): void {
    let streams = this.newKeys.get(key);
    if (!streams) this.newKeys.set(key, (streams = new Map()));
    if (!streams.has(streamId)) streams.set(streamId, leaf);
    if (!this.newStreams.has(streamId)) this.newStreams.set(streamId, leaf);
  }

  commit(progress: AuditFollowerProgress): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.nodes.writePending();
      for (const r of this.newRuns) this.statements.insertRun.run(r.firstLeaf, r.firstPosition);
      for (const [key, streams] of this.newKeys) for (const [streamId, leaf] of streams) this.statements.insertKey.run(key, streamId, leaf);
      for (const [streamId, leaf] of this.newStreams) this.statements.insertStream.run(streamId, leaf);
      this.statements.saveProgress.run(progress.treeSize, progress.lastPosition, progress.keysVersion);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.newRuns = [];
    this.newKeys = new Map();
    this.newStreams = new Map();
    this.committed = { ...progress };
  }

  leafIndexOf(position: number): number | undefined {
    const run = this.statements.runAtPosition.get(position) as Run | undefined;
    if (!run) return undefined;
    const leaf = run.firstLeaf + (position - run.firstPosition);
    const next = this.statements.nextRun.get(run.firstLeaf) as { firstLeaf: number } | undefined;
    return leaf < this.committed.treeSize && (next === undefined || leaf < next.firstLeaf) ? leaf : undefined;
  }

  positionOf(leaf: number): number | undefined {
    if (!Number.isSafeInteger(leaf) || leaf < 0 || leaf >= this.committed.treeSize) return undefined;
    const run = this.runAtLeaf(leaf);
    return run && run.firstPosition + (leaf - run.firstLeaf);
  }

  /** Two queries for the whole range (the run holding `leaf`, the runs starting inside it): one per leaf cost half a re-check. */
  positionsOf(leaf: number, count: number): number[] {
    const from = Math.max(leaf, 0);
    const to = Math.min(leaf + count, this.committed.treeSize);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to) return [];
    let run = this.runAtLeaf(from);
    if (!run) return [];
    const next = this.statements.runsBetween.all(from, to) as unknown as Run[];
    const out: number[] = [];
    for (let i = from, n = 0; i < to; i++) {
      if (n < next.length && next[n].firstLeaf === i) run = next[n++];
      out.push(run.firstPosition + (i - run.firstLeaf));
    }
    return out;
  }

  streamsWithKeys(keys: readonly string[]): string[] {
    if (keys.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT s.stream_id AS streamId FROM audit_streams s
         WHERE s.stream_id IN (SELECT stream_id FROM audit_stream_keys WHERE key IN (SELECT value FROM json_each(?)))
         ORDER BY s.first_leaf`,
      )
      .all(JSON.stringify(keys)) as Array<{ streamId: string }>;
    return rows.map((r) => r.streamId);
  }

  clear(): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.nodes.clear();
      this.db.exec('DELETE FROM audit_leaf_runs; DELETE FROM audit_stream_keys; DELETE FROM audit_streams; DELETE FROM audit_follower;');
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.lastRun = undefined;
    this.newRuns = [];
    this.newKeys = new Map();
    this.newStreams = new Map();
    this.committed = { treeSize: 0, lastPosition: 0, keysVersion: '' };
  }

  /** Closes the connection if this state opened it. */
  close(): void {
    if (this.ownsDb && this.db.isOpen) this.db.close();
  }

  private readProgress(): AuditFollowerProgress {
    const row = this.db
      .prepare('SELECT tree_size AS treeSize, last_position AS lastPosition, keys_version AS keysVersion FROM audit_follower WHERE id = 1')
      .get() as AuditFollowerProgress | undefined;
    return row ? { treeSize: row.treeSize, lastPosition: row.lastPosition, keysVersion: row.keysVersion } : { treeSize: 0, lastPosition: 0, keysVersion: '' };
  }

  private runAtLeaf(leaf: number): Run | undefined {
    return this.statements.runAtLeaf.get(leaf) as Run | undefined;
  }
}
