/**
 * Directory changes as integration events (issue 14 item 7): the process that hosts the directory
 * (the built-in issuer's host: analytics in distributed mode) publishes every entry of its journal
 * on `identity.directory.events.v1`, the seed included as versions 1..n; every other distributed
 * service follows the topic into a directory of its own, so the token subject check and the units
 * it uses are the live directory, not a copy of the demo.
 *
 * Publishing goes through the transactional outbox of the platform: the `directory` context's
 * event store holds one `DirectoryChanged` event per journal entry (stream `directory`, revision =
 * version − 1) and its relay publishes them from a checkpoint. The identity journal (SQLite) stays
 * the source of truth; what it holds and the stream lacks is appended at start, after each change
 * and on a timer, each version at most once (the append expects the revision), so a crash between
 * the journal and the stream loses nothing.
 *
 * Following: a consumer group of its own per process start (`<service>.directory.<id>`), so each
 * start reads the topic from its beginning (the directory is small) and needs no store of its own;
 * entries apply in order and idempotently by version (`Directory.follow`).
 */
import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional, type DynamicModule } from '@nestjs/common';
import { IdentityDirectoryChangedV1, IdentityDirectoryChangedV1Data, IntegrationEvent, topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { StoredEvent, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { BuiltInIssuer, Directory, type DirectoryChange, type DirectoryEntry } from '@fengqiao/identity';
import { newId } from '@fengqiao/kernel';
import { Bus, fromCloudEventMessage, NonRetriableError, Subscription } from '@fengqiao/bus';
import { buildContextModule } from '../bootstrap/context-module';
import { ServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.module';
import { BUS, ContextLifecycle, ContextRuntime, fromCloudEvent, SERVICE_CONFIG } from '../infrastructure/context-runtime';

export const DIRECTORY_CONTEXT = 'directory';
export const DIRECTORY_STREAM = 'directory';
export const DIRECTORY_CHANGED = 'DirectoryChanged';
export const DIRECTORY_SOURCE = '/fengqiao/directory';

/** The directory this process works with: the issuer's own where it runs here, else the one followed from the topic. */
export const LIVE_DIRECTORY = Symbol.for('fengqiao.live-directory');

/**
 * The live directory as the contexts use it: the issuer's own, or the followed one once it holds
 * anything (before its first entry arrives a context falls back to what it did without a
 * directory: the demo's units, or unit ids as given).
 */
export function directoryInUse(live: Directory | undefined): () => Directory | undefined {
  return () => (live && live.version > 0 ? live : undefined);
}

/** How often the outbox looks for journal entries the stream lacks (besides start and each change). */
const OUTBOX_INTERVAL_MS = 5_000;
/** Entries per append to the outbox stream. */
const OUTBOX_BATCH = 50;

/** The relay mapping: each `DirectoryChanged` of the `directory` stream becomes one integration event. */
export function publishDirectoryEvent(stored: StoredEvent): IntegrationEvent<IdentityDirectoryChangedV1Data> | null {
  if (stored.streamId !== DIRECTORY_STREAM || stored.type !== DIRECTORY_CHANGED) return null;
  const d = stored.data as unknown as DirectoryEntry;
  return {
    id: stored.id,
    type: IdentityDirectoryChangedV1.type,
    source: DIRECTORY_SOURCE,
    subject: DIRECTORY_STREAM,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
    data: { version: d.version, at: d.at, by: d.by, change: d.change as IdentityDirectoryChangedV1Data['change'] },
  };
}

/** Keeps the `directory` stream level with the identity journal (the outbox of the directory). */
@Injectable()
export class DirectoryOutbox implements ContextLifecycle {
  private readonly logger = new Logger('directory.outbox');
  private running: Promise<number> = Promise.resolve(0);
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private runtime?: ContextRuntime;

  constructor(@Inject(BuiltInIssuer) private readonly issuer: BuiltInIssuer) {}

  async onContextReady(runtime: ContextRuntime): Promise<void> {
    this.runtime = runtime;
    const appended = await this.sync();
    if (appended) this.logger.log(`directory versions published: ${appended} new (now at version ${this.issuer.directory.version})`);
    this.unsubscribe = this.issuer.directory.onChange(() => void this.sync().catch((e: unknown) => this.failed(e)));
    this.timer = setInterval(() => void this.sync().catch((e: unknown) => this.failed(e)), OUTBOX_INTERVAL_MS);
    this.timer.unref();
  }

  async onContextStop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => undefined);
    this.runtime = undefined;
  }

  /** Appends the journal entries the stream lacks; one sync at a time. Resolves to how many were appended. */
  sync(): Promise<number> {
    const run = () => this.syncOnce();
    const next = this.running.then(run, run);
    this.running = next.catch(() => 0);
    return next;
  }

  private async syncOnce(): Promise<number> {
    const runtime = this.runtime;
    if (!runtime) return 0;
    let appended = 0;
    for (let attempt = 1; ; attempt++) {
      const revision = await runtime.infra.events.streamRevision(DIRECTORY_STREAM);
      const held = revision === 'no_stream' ? 0 : revision + 1;
      // in batches of OUTBOX_BATCH versions, so one commit stays small (a whole seed is ~200 versions;
      // the MongoDB store once refused such a commit on FerretDB, see its eventIds index)
      const missing = this.issuer.directory.entries(held).slice(0, OUTBOX_BATCH);
      if (missing.length === 0) return appended;
      try {
        await runtime.infra.events.append(
          DIRECTORY_STREAM,
          missing.map((entry) => {
            const id = newId();
            return {
              id,
              type: DIRECTORY_CHANGED,
              schemaVersion: 1,
              occurredAt: entry.at,
              actor: { userId: entry.by, role: entry.by.startsWith('system') ? 'system' : 'admin', unitId: DIRECTORY_CONTEXT },
              correlationId: id,
              causationId: id,
              jurisdiction: [],
              // plain JSON (the journal hands out structured clones)
              data: JSON.parse(JSON.stringify(entry)) as Record<string, unknown>,
            };
          }),
          { expectedRevision: held === 0 ? 'no_stream' : held - 1 },
        );
        runtime.published();
        appended += missing.length;
        attempt = 0;
      } catch (e) {
        // another replica of the host, or a sync racing this one, appended first: look again
        if (!(e instanceof WrongExpectedRevisionError) || attempt >= 5) throw e;
      }
    }
  }

  private failed(e: unknown): void {
    this.logger.error(`directory changes not yet in the outbox (retried in ${OUTBOX_INTERVAL_MS} ms): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Follows `identity.directory.events.v1` into a directory of this process (distributed services
 * that do not host the issuer). Reports on /health as `directory` (the version reached).
 */
@Injectable()
export class DirectoryFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('directory.follower');
  readonly directory = Directory.open();
  private subscription?: Subscription;
  private received = 0;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Optional() @Inject(HealthRegistry) health?: HealthRegistry,
  ) {
    health?.add({ key: 'directory-follower', check: async () => ({ version: this.directory.version, received: this.received }) });
  }

  async onApplicationBootstrap(): Promise<void> {
    // a group of its own for each start: it reads the topic from the beginning into the empty directory;
    // ephemeral, so no position is committed and the group is deleted on shutdown (not left on the broker)
    const groupId = `${this.config.serviceName}.directory.${newId()}`;
    this.subscription = await this.bus.subscribe({
      groupId,
      topics: [topics.identityDirectory],
      ephemeral: true,
      handler: async (message) => this.apply(message),
    });
    this.logger.log(`following ${topics.identityDirectory} (group ${groupId})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private async apply(message: Parameters<typeof fromCloudEventMessage>[0]): Promise<void> {
    let data: IdentityDirectoryChangedV1Data;
    try {
      const event = validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message)));
      if (event.type !== IdentityDirectoryChangedV1.type) return;
      data = event.data as unknown as IdentityDirectoryChangedV1Data;
    } catch (e) {
      throw new NonRetriableError(`not a directory change: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.received++;
    try {
      if (this.directory.follow({ version: data.version, at: data.at, by: data.by, change: data.change as unknown as DirectoryChange })) {
        this.logger.debug(`directory version ${data.version} (${data.change.type})`);
      }
    } catch (e) {
      // a gap or a change the directory refuses cannot heal by retrying: later versions wait behind it (tokens naming them get 503)
      this.logger.error(`directory version ${data.version} not applied: ${e instanceof Error ? e.message : String(e)}`);
      throw new NonRetriableError(`directory version ${data.version} not applied`, { cause: e });
    }
  }
}

@Module({})
export class DirectoryPublisherModule {}

@Module({})
export class DirectoryFollowerModule {}

/** The `directory` context where the issuer runs: its outbox stream and relay (distributed mode). */
export function directoryPublisherModule(): DynamicModule {
  return buildContextModule(DirectoryPublisherModule, {
    name: DIRECTORY_CONTEXT,
    providers: [DirectoryOutbox],
    runtime: { publish: publishDirectoryEvent, lifecycle: [DirectoryOutbox] },
  });
}

/** The follower where the issuer does not run: provides LIVE_DIRECTORY to every module. */
export function directoryFollowerModule(): DynamicModule {
  return {
    module: DirectoryFollowerModule,
    global: true,
    providers: [DirectoryFollower, { provide: LIVE_DIRECTORY, useFactory: (f: DirectoryFollower) => f.directory, inject: [DirectoryFollower] }],
    exports: [LIVE_DIRECTORY, DirectoryFollower],
  };
}
