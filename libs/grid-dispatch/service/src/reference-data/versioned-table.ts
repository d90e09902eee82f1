import { EventStore, StoredEvent, StreamRevision, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { Actor, DomainError, newId, NotFoundError } from '@fengqiao/kernel';
import { requiredRevisionOf } from '@fengqiao/platform';

/** One published version of a reference table, as recorded in its stream. */
export interface TableVersion<R> {
  /** 1, 2, 3, … (= stream revision + 1) */
  version: number;
  rules: R[];
  /** user id of whoever published it */
  by: string;
  /** ISO instant it was published */
  at: string;
  /** why (optional note of the publisher) */
  note?: string;
}

export type TableVersionSummary = Omit<TableVersion<unknown>, 'rules'> & { count: number };

interface PublishedData<R> {
  version: number;
  rules: R[];
  by: string;
  at: string;
  note?: string;
}

/**
 * A reference table read older than what is known to be stored: retry (an infrastructure error, not
 * a DomainError, so a consumer's delivery is retried and nothing is decided on it).
 */
export class StaleTableReadError extends Error {
  constructor(streamId: string, read: StreamRevision, known: StreamRevision) {
    super(`reference table ${streamId}: read revision ${read}, but revision ${known} is known to be stored (a stale read: retry)`);
    this.name = 'StaleTableReadError';
  }
}

/** `a` is an older revision than `b` (no stream is older than any revision). */
function behind(a: StreamRevision, b: StreamRevision): boolean {
  return b !== 'no_stream' && (a === 'no_stream' || a < b);
}

/**
 * Versioned reference data kept as a stream of the context's own event store (`routing-rules`,
 * `deadline-rules`): each version is one `<Kind>Published { version, rules, by, at }` event, so the
 * table's history is hash-chained, auditable and replayable like any case ("which table applied on
 * that day?"). The current version is cached and re-read whenever the stream's revision moved
 * (another replica published), checked at most once per call.
 */
export class VersionedTable<R> {
  private cache: { revision: StreamRevision; versions: TableVersion<R>[] } = { revision: 'no_stream', versions: [] };
  private loaded = false;

  constructor(
    private readonly store: EventStore,
    readonly streamId: string,
    readonly eventType: string,
    /** validates and normalises a new table; throws ValidationError */
    private readonly validate: (rules: readonly R[]) => R[],
    /** Chinese name for messages, e.g. 派单规则 */
    readonly label: string,
  ) {}

  /**
   * Re-reads the stream if it changed since the last read. A table's stream only grows: a read
   * behind the stream's head or behind a version this process already saw is a read that went
   * wrong (a database restarting under it), never a table that went away. It throws
   * `StaleTableReadError` and keeps the versions it had, so a consumer retries instead of taking
   * "no table" for an answer (and marking the message done).
   */
  async refresh(): Promise<void> {
    const revision = await this.store.streamRevision(this.streamId);
    if (this.loaded && revision === this.cache.revision) return;
    if (this.loaded && behind(revision, this.cache.revision)) throw new StaleTableReadError(this.streamId, revision, this.cache.revision);
    const events = await this.store.readStream(this.streamId);
    const read: StreamRevision = events.length ? events[events.length - 1].revision : 'no_stream';
    if (behind(read, revision)) throw new StaleTableReadError(this.streamId, read, revision);
    if (this.loaded && behind(read, this.cache.revision)) throw new StaleTableReadError(this.streamId, read, this.cache.revision);
    this.cache = {
      revision: read,
      versions: events.filter((e) => e.type === this.eventType).map((e) => this.toVersion(e)),
    };
    this.loaded = true;
  }

  /** Whether the table was read at least once (it may still have no version). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  private toVersion(e: StoredEvent): TableVersion<R> {
    const d = e.data as unknown as PublishedData<R>;
    return { version: e.revision + 1, rules: d.rules, by: d.by, at: d.at, ...(d.note ? { note: d.note } : {}) };
  }

  /** The version in force, or null before the first publication. */
  async current(): Promise<TableVersion<R> | null> {
    await this.refresh();
    return this.cache.versions[this.cache.versions.length - 1] ?? null;
  }

  /** The cached current version without touching the store (for synchronous callers after a refresh). */
  cachedCurrent(): TableVersion<R> | null {
    return this.cache.versions[this.cache.versions.length - 1] ?? null;
  }

  async history(): Promise<TableVersionSummary[]> {
    await this.refresh();
    return this.cache.versions.map(({ rules, ...rest }) => ({ ...rest, count: rules.length }));
  }

  async version(n: number): Promise<TableVersion<R>> {
    await this.refresh();
    const found = this.cache.versions.find((v) => v.version === n);
    if (!found) throw new NotFoundError('GRID_DISPATCH.TABLE_VERSION_NOT_FOUND', `${this.label}第 ${n} 版不存在`, { stream: this.streamId, version: n });
    return found;
  }

  /**
   * Publishes a new version (validated). `expectedVersion` (If-Match) is the version the publisher
   * saw: 0 for "no version yet"; a different current version is a conflict (412).
   */
  async publish(
    rules: readonly R[],
    by: { actor: Actor; jurisdiction: string[] },
    at: string,
    options: {
      expectedVersion?: number;
      /** true: without `expectedVersion` (If-Match) the table is not published (412 COMMAND.IF_MATCH_REQUIRED) */
      requireExpectedVersion?: boolean;
      note?: string;
      correlationId?: string;
      /** checks of the new table against the current one (e.g. routing gaps), after the validation */
      check?: (clean: R[], current: TableVersion<R> | null) => void;
    } = {},
  ): Promise<TableVersion<R>> {
    const clean = this.validate(rules);
    await this.refresh();
    options.check?.(clean, this.cachedCurrent());
    if (options.requireExpectedVersion && options.expectedVersion === undefined) requiredRevisionOf(undefined);
    const currentRevision = this.cache.revision;
    const currentVersion = currentRevision === 'no_stream' ? 0 : currentRevision + 1;
    const expectedRevision: StreamRevision =
      options.expectedVersion === undefined ? currentRevision : options.expectedVersion === 0 ? 'no_stream' : options.expectedVersion - 1;
    if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) throw this.stale(options.expectedVersion, currentVersion);
    const version = currentVersion + 1;
    const data: PublishedData<R> = { version, rules: clean, by: by.actor.userId, at, ...(options.note ? { note: options.note } : {}) };
    const correlationId = options.correlationId ?? newId();
    await this.store.append(
      this.streamId,
      [
        {
          id: newId(),
          type: this.eventType,
          schemaVersion: 1,
          occurredAt: at,
          actor: by.actor,
          correlationId,
          causationId: correlationId,
          jurisdiction: by.jurisdiction,
          data: data as unknown as Record<string, unknown>,
        },
      ],
      { expectedRevision },
    ).catch((e: unknown) => {
      // another replica published between our read and our append
      if (e instanceof WrongExpectedRevisionError) throw this.stale(options.expectedVersion ?? currentVersion, typeof e.actual === 'number' ? e.actual + 1 : 0);
      throw e;
    });
    await this.refresh();
    return this.version(version);
  }

  /** 412: the publisher edited another version than the one in force (versions, not stream revisions). */
  private stale(edited: number, current: number): DomainError {
    return new DomainError(
      'GRID_DISPATCH.TABLE_VERSION_CONFLICT',
      `${this.label}已更新为第 ${current} 版（您编辑的是第 ${edited} 版），请刷新后重试`,
      'revision_conflict',
      { stream: this.streamId, expectedVersion: edited, currentVersion: current },
    );
  }

  /** Publishes `rules` as version 1 if the stream is empty; returns whether it did. */
  async seedIfEmpty(rules: readonly R[], actor: Actor, at: string): Promise<boolean> {
    await this.refresh();
    if (this.cache.revision !== 'no_stream') return false;
    try {
      await this.publish(rules, { actor, jurisdiction: [] }, at, { expectedVersion: 0, note: '首次启动时载入的默认数据' });
      return true;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'GRID_DISPATCH.TABLE_VERSION_CONFLICT') return false; // another replica seeded it first
      throw e;
    }
  }
}
