import type { IndexSpec, ReadStore } from '../read-store.port';
import { applyOrPark, type ParkingOptions } from './parking';
import { project, projectRun, Projection, ProjectionEvent } from './projection';

/**
 * The one projector mechanism of the contexts (intake, grid-dispatch, and the next ones): it
 * follows the context's OWN event store (`readAll` after a checkpoint, in the store's global order,
 * which never skips an event) and applies each event to the context's views; the checkpoint is a
 * read-store document guarded by the position, saved after each full batch and otherwise at most
 * once a second (`checkpointEveryMs`), and on `stop()`.
 *
 * Read-your-writes: a command handler awaits `catchUp()` after its append (the case-command
 * runner's `afterAppend`), so the caller's next read sees its write; events another replica
 * appended are picked up by the poll loop (`start()`), or woken early by `wake()`.
 *
 * Passes are serialised (the loop, `catchUp()` callers): two never interleave. A crash between a
 * view write and the checkpoint re-applies a few events on the next pass, which each view's own
 * guard (the stream revision of `project`, or the view's write counter) turns into no-ops.
 *
 * An event a view cannot apply (a poison event: bad data, a bug) is parked with its reason
 * (`parking.ts`: the parked-events collection, counted on /health) and the projector goes on; it
 * never stops the context or its start-up. Transient failures still fail the pass, to be retried.
 *
 * Why from the own store and not the own topic: the stored event has the stream revision (the
 * guard, the ETag) and the full actor, reason and rule of each step; it works alike in standalone
 * and distributed mode, without a broker round trip; and the context owns that store.
 */

/** An event as the projector reads it: the stored envelope (`StoredEvent` of the event store) fits. */
export interface FeedEvent extends ProjectionEvent {
  globalPosition: number;
  /** the event id (the parking key); stream and revision when absent */
  id?: string;
  type?: string;
}

/** Where the events come from: the context's event store (`EventStore.readAll`). */
export interface ProjectorFeed<E extends FeedEvent> {
  readAll(options: { afterPosition: number; maxCount: number }): Promise<E[]>;
}

/** A view as the projector runs it: its collection, indexes and how one event is applied. */
export interface ProjectedView<E> {
  name: string;
  collection: string;
  indexes: readonly IndexSpec[];
  apply(store: ReadStore, event: E): Promise<unknown>;
  /**
   * Optional: applies several events of ONE stream (in stream order) together, with fewer writes
   * than one per event; resolves false when it did not (the projector then applies them one by
   * one), and may throw (the projector then applies them one by one too, parking what this view
   * cannot apply). Only used with `parallelStreams`.
   */
  applyRun?(store: ReadStore, events: readonly E[]): Promise<boolean>;
}

/** A `defineProjection` view (pure `evolve` + guarded upsert) as the projector runs it. */
export function viewOf<Doc extends object, E extends ProjectionEvent>(projection: Projection<Doc, E>): ProjectedView<E> {
  return {
    name: projection.name,
    collection: projection.collection,
    indexes: projection.indexes,
    apply: (store, event) => project(store, projection, event),
    applyRun: async (store, events) => (await projectRun(store, projection, events)) !== undefined,
  };
}

export interface StoreProjectorOptions<E extends FeedEvent> {
  /** name of the checkpoint and in logs, e.g. `grid-dispatch.views` */
  name: string;
  feed: ProjectorFeed<E>;
  store: ReadStore;
  views: readonly ProjectedView<E>[];
  /** read-store collection of the checkpoint document (`_id` = name) */
  checkpoints: string;
  /** how often the loop looks for events appended by another replica */
  pollIntervalMs: number;
  /**
   * The checkpoint is saved at most this often while passes apply a few events each (a command's
   * catch-up, the poll), and after every full batch (a catch-up over many); the last position is
   * saved by the next pass once this long has gone by, and by `stop()`. A crash re-applies at most
   * this much, which the views' guards make no-ops. Default 1000 ms; 0 saves after every pass.
   */
  checkpointEveryMs?: number;
  /** events per batch; default 500 */
  batchSize?: number;
  /** where failed passes of the loop are reported; default console.error */
  onError?: (message: string) => void;
  /** how events a view cannot apply are parked (the platform logs each: `projectionParking`) */
  parking?: ParkingOptions;
  /**
   * Every view writes only the document of the event's own stream (one document per case): the
   * events of a batch are then applied stream by stream at the same time, each stream's in store
   * order, instead of one after the other (each view write is a round trip or two; a command's
   * catch-up waits for the whole pass), and a view with `applyRun` gets each stream's events of the
   * batch together (one write for a commit's events). Default false.
   */
  parallelStreams?: boolean;
}

export interface StoreProjectorHealth {
  /** last store position every view has applied */
  position: number;
  /** failed passes in a row */
  failures: number;
}

export class StoreProjector<E extends FeedEvent> {
  private position = 0;
  /** The position saved last (or read at `init`), and when it was saved. */
  private savedPosition = 0;
  private savedAt = 0;
  private readonly checkpointEveryMs: number;
  private initialised = false;
  private passing: Promise<unknown> = Promise.resolve();
  private running?: Promise<void>;
  private stopped = true;
  /** Set by `stop()` (cleared by `start()`): a pass running ends after the page it is on, its checkpoint saved. */
  private halted = false;
  private wakeUp?: () => void;
  private woken = false;
  private waiters: { position: number; resolve: () => void }[] = [];
  private failures = 0;
  /** The pass queued behind the running one, not started yet (shared by the callers that come meanwhile). */
  private queued: { shared: boolean; done: Promise<number> } | undefined;
  private readonly batchSize: number;

  constructor(private readonly options: StoreProjectorOptions<E>) {
    this.batchSize = options.batchSize ?? 500;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 1000;
  }

  get name(): string {
    return this.options.name;
  }

  /** The last store position every view has applied. */
  get checkpoint(): number {
    return this.position;
  }

  /** Creates the views' indexes and reads the saved checkpoint. Idempotent. */
  async init(): Promise<void> {
    for (const v of this.options.views) await this.options.store.ensureIndexes(v.collection, v.indexes);
    const saved = await this.options.store.get<{ position: number }>(this.options.checkpoints, this.options.name);
    this.position = Math.max(this.position, saved?.position ?? 0);
    this.savedPosition = Math.max(this.savedPosition, saved?.position ?? 0);
    this.initialised = true;
  }

  /**
   * Applies everything stored so far; resolves when the views have it (errors propagate) with the
   * number of events the pass applied. Callers that come while a pass runs share the one pass queued
   * after it (it starts after their appends, so it reads them): under load the passes do not pile
   * up one per command. Reads from the position this projector reached; the poll loop also takes
   * over a checkpoint another replica saved further on.
   */
  catchUp(): Promise<number> {
    return this.pass(false);
  }

  private pass(shared: boolean): Promise<number> {
    const queued = this.queued;
    if (queued) {
      queued.shared ||= shared;
      return queued.done;
    }
    const next = { shared, done: Promise.resolve(0) };
    next.done = this.passing.then(() => {
      if (this.queued === next) this.queued = undefined; // from here on a new caller needs a new pass
      return this.drain(next.shared);
    });
    this.queued = next;
    this.passing = next.done.catch(() => undefined);
    return next.done;
  }

  /** Applies one event to every view (for rebuilds and "run twice" tests); moves no checkpoint. */
  async apply(event: E): Promise<void> {
    const store = this.options.store;
    for (const v of this.options.views) await applyOrPark(store, v.name, event, () => v.apply(store, event), this.options.parking);
  }

  /** Starts the poll loop (after `init()` and a first `catchUp()`, typically). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.running = this.loop();
  }

  /** Asks the loop to read now (after an append in this process). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves true once the views have applied `position`, false after `timeoutMs`. */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    this.wake();
    return new Promise<boolean>((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Stops the poll loop and whatever pass runs (a long catch-up, e.g. a rebuild from position 0)
   * after the page it is on, with that page's checkpoint saved: a restart reads on from there.
   * A `catchUp()` after `stop()` applies nothing.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    this.wake();
    await this.running;
    await this.passing;
    if (this.initialised) await this.saveCheckpoint();
  }

  health(): StoreProjectorHealth {
    return { position: this.position, failures: this.failures };
  }

  private async drain(shared: boolean): Promise<number> {
    if (!this.initialised) await this.init();
    // The poll's pass (shared) also takes over a checkpoint another replica sharing this read store
    // moved on; it reads that checkpoint only once the feed shows something new, so an idle poll is
    // one read of the feed. A command's catch-up reads on from here, re-applying at most what the
    // other replica applied since the last poll, which the views' guards make no-ops.
    let takeOver = shared;
    let total = 0;
    while (!this.halted) {
      const read = await this.options.feed.readAll({ afterPosition: this.position, maxCount: this.batchSize });
      if (read.length === 0) break;
      let batch = read;
      if (takeOver) {
        takeOver = false;
        const saved = await this.options.store.get<{ position: number }>(this.options.checkpoints, this.options.name);
        if (saved && saved.position > this.position) {
          this.position = saved.position;
          this.release();
          batch = read.filter((e) => e.globalPosition > saved.position);
          if (batch.length === 0) continue; // all of it applied already: read on from there
        }
      }
      await this.applyBatch(batch);
      this.position = batch[batch.length - 1].globalPosition;
      total += batch.length;
      this.release();
      if (read.length < this.batchSize) break;
      await this.saveCheckpoint(); // a long catch-up saves after every full batch
    }
    if (Date.now() - this.savedAt >= this.checkpointEveryMs) await this.saveCheckpoint();
    return total;
  }

  /** Saves the position reached, if it moved since the last save (guarded: it never moves back). */
  private async saveCheckpoint(): Promise<void> {
    const position = this.position;
    if (position <= this.savedPosition) return;
    await this.options.store.upsert(this.options.checkpoints, { _id: this.options.name, position }, { revision: position });
    this.savedPosition = position;
    this.savedAt = Date.now();
  }

  private async applyBatch(batch: readonly E[]): Promise<void> {
    if (!this.options.parallelStreams) {
      for (const event of batch) await this.apply(event);
      return;
    }
    const byStream = new Map<string, E[]>();
    for (const event of batch) {
      const events = byStream.get(event.streamId);
      if (events) events.push(event);
      else byStream.set(event.streamId, [event]);
    }
    // all settle before the pass ends (a failed stream fails the pass, which is retried: the views'
    // guards make what the other streams applied no-ops then)
    const outcomes = await Promise.allSettled(
      [...byStream.values()].map(async (events) => {
        if (events.length === 1) return this.apply(events[0]);
        for (const v of this.options.views) await this.applyRun(v, events);
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * One stream's events of a batch, to one view: together when the view can (`applyRun`: e.g. the
   * two or three events of one commit in one view write), else, or when that fails, one by one.
   */
  private async applyRun(view: ProjectedView<E>, events: readonly E[]): Promise<void> {
    const store = this.options.store;
    if (view.applyRun) {
      try {
        if (await view.applyRun(store, events)) return;
      } catch {
        // one by one below: an event this view cannot apply is parked alone, a transient failure throws again
      }
    }
    for (const event of events) await applyOrPark(store, view.name, event, () => view.apply(store, event), this.options.parking);
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of ready) w.resolve();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let delay = this.options.pollIntervalMs;
      try {
        await this.pass(true);
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        delay = Math.min(30_000, this.options.pollIntervalMs * 2 ** Math.min(this.failures, 10));
        const report = this.options.onError ?? ((m: string) => console.error(m));
        report(
          `projector ${this.options.name} failed at position ${this.position} (${this.failures} in a row): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      if (this.stopped) break;
      if (this.woken && this.failures === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
