import { EventStore, StoredEvent, StreamRevision, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { Actor, DomainError, newId, NotFoundError } from '@fengqiao/kernel';
import { requiredRevisionOf } from '../application/command-http';

/** One published version of a reference table, as recorded in its stream. */
export interface TableVersion<R> {
  /** 1, 2, 3, … (= stream revision + 1) */
  version: number;
  rows: R[];
  /** user id of whoever published it */
  by: string;
  /** ISO instant it was published */
  at: string;
  note?: string;
  /** event id of the publication (the integration event carries it) */
  eventId: string;
}

export type TableVersionSummary = Omit<TableVersion<unknown>, 'rows'> & { count: number };

/** How a table is stored and which codes it answers with (defaults fit new tables). */
export interface ReferenceTableSettings<R> {
  /** extra data recorded on each publication, computed from the clean rows and the version */
  extra?: (rows: readonly R[], version: number) => Record<string, unknown>;
  /** name of the rows in the stored event data (`rows`; grid-dispatch's tables have stored `rules`) */
  rowsField?: string;
  /** code of the 404 for an unknown version (REFERENCE_DATA.VERSION_NOT_FOUND) */
  notFoundCode?: string;
  /**
   * With a code, a stale If-Match is a DomainError (412) that names both versions to the publisher;
   * without, it is the store's WrongExpectedRevisionError (in revisions).
   */
  conflictCode?: string;
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
 * Versioned reference data kept as a stream of the hosting context's own event store (the holiday
 * notices here, grid-dispatch's routing and deadline tables): each version is one
 * `<Kind>Published { version, rows, by, at }` event, so the history is
 * hash-chained and auditable, and "which version applied on that day?" is `asOf(instant)`.
 * Publishing names the version the publisher edited (If-Match); another version in between is a
 * revision conflict (412).
 */
export class ReferenceTable<R> {
  private cache: { revision: StreamRevision; versions: TableVersion<R>[] } = { revision: 'no_stream', versions: [] };
  private loaded = false;

  constructor(
    private readonly store: EventStore,
    readonly streamId: string,
    readonly eventType: string,
    /** validates and normalises a new table; throws ValidationError */
    private readonly validate: (rows: readonly R[]) => R[],
    /** Chinese name for messages, e.g. 节假日安排 */
    readonly label: string,
    private readonly settings: ReferenceTableSettings<R> = {},
  ) {}

  private get rowsField(): string {
    return this.settings.rowsField ?? 'rows';
  }

  private get notFoundCode(): string {
    return this.settings.notFoundCode ?? 'REFERENCE_DATA.VERSION_NOT_FOUND';
  }

  /**
   * Re-reads the stream if it changed since the last read. A table's stream only grows: a read
   * behind the stream's head or behind a version this process already saw is a read that went
   * wrong (a database restarting under it), never a table that went away. It throws
   * `StaleTableReadError` and keeps the versions it had, so a consumer retries instead of taking
   * "no table" for an answer (and marking the message done: the fault campaign's lost dispatch).
   */
  async refresh(): Promise<void> {
    const revision = await this.store.streamRevision(this.streamId);
    if (this.loaded && revision === this.cache.revision) return;
    if (this.loaded && behind(revision, this.cache.revision)) throw new StaleTableReadError(this.streamId, revision, this.cache.revision);
    const events = await this.store.readStream(this.streamId);
    const last = events[events.length - 1];
    const read: StreamRevision = last ? last.revision : 'no_stream';
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
    const d = e.data as { by: string; at: string; note?: string } & Record<string, unknown>;
    return { version: e.revision + 1, rows: d[this.rowsField] as R[], by: d.by, at: d.at, ...(d.note ? { note: d.note } : {}), eventId: e.id };
  }

  async current(): Promise<TableVersion<R> | null> {
    await this.refresh();
    return this.cachedCurrent();
  }

  /** The cached current version without touching the store (for synchronous callers after a refresh). */
  cachedCurrent(): TableVersion<R> | null {
    return this.cache.versions[this.cache.versions.length - 1] ?? null;
  }

  async history(): Promise<TableVersionSummary[]> {
    await this.refresh();
    return this.cache.versions.map(({ rows, ...rest }) => ({ ...rest, count: rows.length }));
  }

  async version(n: number): Promise<TableVersion<R>> {
    await this.refresh();
    const found = this.cache.versions.find((v) => v.version === n);
    if (!found) throw new NotFoundError(this.notFoundCode, `${this.label}第 ${n} 版不存在`, { stream: this.streamId, version: n });
    return found;
  }

  /** The version in force at `instant` (the last one published at or before it); 404 before the first. */
  async asOf(instant: string): Promise<TableVersion<R>> {
    await this.refresh();
    const t = Date.parse(instant);
    const found = [...this.cache.versions].reverse().find((v) => Date.parse(v.at) <= t);
    if (!found) throw new NotFoundError(this.notFoundCode, `${instant} 时尚无${this.label}`, { stream: this.streamId, at: instant });
    return found;
  }

  /**
   * Publishes a new version (validated). `expectedVersion` (If-Match) is the version the publisher
   * saw: 0 for "no version yet"; a different current version is a conflict (412).
   */
  async publish(
    rows: readonly R[],
    by: { actor: Actor; jurisdiction: string[] },
    at: string,
    options: {
      expectedVersion?: number;
      /** true: without `expectedVersion` (If-Match) the table is not published (412 COMMAND.IF_MATCH_REQUIRED) */
      requireExpectedVersion?: boolean;
      note?: string;
      correlationId?: string;
      data?: Record<string, unknown>;
      /** checks of the new table against the current one (e.g. routing gaps), after the validation */
      check?: (clean: R[], current: TableVersion<R> | null) => void;
    } = {},
  ): Promise<TableVersion<R>> {
    const clean = this.validate(rows);
    await this.refresh();
    options.check?.(clean, this.cachedCurrent());
    if (options.requireExpectedVersion && options.expectedVersion === undefined) requiredRevisionOf(undefined);
    const currentRevision = this.cache.revision;
    const currentVersion = currentRevision === 'no_stream' ? 0 : currentRevision + 1;
    const expectedRevision: StreamRevision =
      options.expectedVersion === undefined ? currentRevision : options.expectedVersion === 0 ? 'no_stream' : options.expectedVersion - 1;
    if (options.expectedVersion !== undefined && expectedRevision !== currentRevision) {
      throw this.stale(new WrongExpectedRevisionError(this.streamId, expectedRevision, currentRevision), options.expectedVersion, currentVersion);
    }
    const version = currentVersion + 1;
    const correlationId = options.correlationId ?? newId();
    await this.store
      .append(
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
            data: {
              version,
              [this.rowsField]: clean,
              by: by.actor.userId,
              at,
              ...(options.note ? { note: options.note } : {}),
              ...(this.settings.extra?.(clean, version) ?? {}),
              ...(options.data ?? {}),
            } as unknown as Record<string, unknown>,
          },
        ],
        { expectedRevision },
      )
      .catch((e: unknown) => {
        // another replica published between our read and our append
        if (e instanceof WrongExpectedRevisionError)
          throw this.stale(e, options.expectedVersion ?? currentVersion, typeof e.actual === 'number' ? e.actual + 1 : 0);
        throw e;
      });
    await this.refresh();
    return this.version(version);
  }

  /** 412: the publisher edited another version than the one in force (versions, not stream revisions). */
  private stale(conflict: WrongExpectedRevisionError, edited: number, current: number): Error {
    if (!this.settings.conflictCode) return conflict;
    return new DomainError(
      this.settings.conflictCode,
      `${this.label}已更新为第 ${current} 版（您编辑的是第 ${edited} 版），请刷新后重试`,
      'revision_conflict',
      { stream: this.streamId, expectedVersion: edited, currentVersion: current },
    );
  }

  /** Publishes `rows` as version 1 if the stream is empty; returns whether it did. */
  async seedIfEmpty(rows: readonly R[], actor: Actor, at: string, note: string): Promise<boolean> {
    await this.refresh();
    if (this.cache.revision !== 'no_stream') return false;
    try {
      await this.publish(rows, { actor, jurisdiction: [] }, at, { expectedVersion: 0, note });
      return true;
    } catch (e) {
      // another replica seeded it first
      if (e instanceof WrongExpectedRevisionError || (e instanceof DomainError && e.code === this.settings.conflictCode)) return false;
      throw e;
    }
  }
}
