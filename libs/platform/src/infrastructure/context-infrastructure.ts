import { mkdirSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { join } from 'node:path';
import {
  AuditFollowerState,
  CheckpointStore,
  EventStore,
  KurrentDbEventStore,
  MongoCheckpointStore,
  MongoEventStore,
  SqliteAuditFollowerState,
  SqliteCheckpointStore,
  SqliteEventStore,
} from '@fengqiao/event-store';
import { EmbeddedReadStore, MongoReadStore, ReadStore } from '@fengqiao/read-store';
import {
  Bus,
  Inbox,
  InProcessBus,
  KafkaBus,
  MongoInbox,
  MongoRelayCheckpointStore,
  PrefixedBus,
  RelayCheckpointStore,
  SqliteInbox,
  SqliteRelayCheckpointStore,
} from '@fengqiao/bus';
import { ServiceConfig } from '../config/service-config';
import { MONGO_CLIENT_OPTIONS, openMongoClient, watchMongoClient } from './mongo-clients';

/**
 * What one context owns (DESIGN §3: each service owns its streams): its event store, its read
 * models, its relay checkpoint and its consumers' inbox. Standalone: files under
 * `<dataDir>/<context>/` (node:sqlite). Distributed: the database `<db of MONGO_URL>_<context>` on
 * MongoDB (or FerretDB), and the event store there too unless KURRENTDB_URL names a KurrentDB
 * (streams `<context>.<stream>`).
 *
 * The relay checkpoint is persisted in both modes. Standalone's in-process bus resolves a publish
 * only once every consumer has handled (or dead-lettered) the message, so a checkpoint saved after
 * the publish never runs ahead of what consumers took in: a restart re-publishes at most the last
 * batch, not the whole store. The inbox is claim-based (a unique (group, id) record taken before the
 * effect), so two concurrent deliveries of one message cannot both take effect.
 */
export interface ContextInfrastructure {
  context: string;
  events: EventStore;
  readStore: ReadStore;
  relayCheckpoints: RelayCheckpointStore;
  inbox: Inbox;
  /** Signed checkpoints of the event store's Merkle log (DESIGN §4), beside the store. */
  checkpoints: CheckpointStore;
  /**
   * Where the audit follower keeps the store's Merkle log and matter index: standalone, in
   * SQLite beside the checkpoints (memory does not grow with the store, a restart resumes);
   * distributed, absent (in memory, rebuilt from the store at start).
   */
  auditState?: AuditFollowerState;
  close(): Promise<void>;
}

let sharedMigrationLogger: Logger | undefined;
/** Where a layout migration of an event store opened at start-up says how far it got. */
function migrationLogger(): Logger {
  sharedMigrationLogger ??= pino({ name: 'event-store', level: process.env.LOG_LEVEL ?? 'info' });
  return sharedMigrationLogger;
}

export function contextDatabaseName(mongoUrl: string, context: string): string {
  const base = new URL(mongoUrl.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '') || 'fengqiao';
  return `${base}_${context.replace(/[^A-Za-z0-9]/g, '_')}`;
}

export async function openContextInfrastructure(context: string, config: ServiceConfig): Promise<ContextInfrastructure> {
  if (config.mode === 'standalone') {
    const dir = join(config.dataDir, context);
    mkdirSync(dir, { recursive: true });
    const events = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    const readStore = new EmbeddedReadStore({ path: join(dir, 'read-models.sqlite') });
    const relayCheckpoints = new SqliteRelayCheckpointStore({ path: join(dir, 'relay.sqlite') });
    const inbox = new SqliteInbox({ path: join(dir, 'inbox.sqlite') });
    const checkpoints = new SqliteCheckpointStore({ database: join(dir, 'checkpoints.sqlite') });
    const auditState = new SqliteAuditFollowerState({ database: join(dir, 'checkpoints.sqlite') });
    return {
      context,
      events,
      readStore,
      relayCheckpoints,
      inbox,
      checkpoints,
      auditState,
      async close() {
        await events.close();
        await readStore.close();
        relayCheckpoints.close();
        inbox.close();
        checkpoints.close();
        auditState.close();
      },
    };
  }
  const dbName = contextDatabaseName(config.mongoUrl, context);
  // event store, relay checkpoint, inbox and Merkle checkpoints share this client
  const client = await openMongoClient(config.mongoUrl, `${context} event store`);
  const db = client.db(dbName);
  // KurrentDB has no databases: each context's streams carry its name as a prefix
  const events: EventStore = config.kurrentdbUrl
    ? KurrentDbEventStore.connect(config.kurrentdbUrl, { streamPrefix: `${context.replace(/[^A-Za-z0-9]/g, '_')}.` })
    : await MongoEventStore.create({ db, onMigrationProgress: (message) => migrationLogger().info({ context }, message) });
  const readStore = await MongoReadStore.connect({ url: config.mongoUrl, dbName, clientOptions: MONGO_CLIENT_OPTIONS });
  watchMongoClient(readStore.mongoClient, `${context} read models`);
  const relayCheckpoints = MongoRelayCheckpointStore.forDb(db);
  // not `inbox`: that name holds the read-model records of the inbox before it was claim-based
  const inbox = await MongoInbox.create({ db, collection: 'inbox_claims' });
  const checkpoints = MongoCheckpointStore.forDb(db);
  return {
    context,
    events,
    readStore,
    relayCheckpoints,
    inbox,
    checkpoints,
    async close() {
      await events.close();
      await readStore.close();
      await client.close();
    },
  };
}

/** The process-wide bus: Kafka in distributed mode, in-process in standalone mode. */
export function createBus(config: ServiceConfig): Bus {
  if (config.mode !== 'distributed') return new InProcessBus();
  const kafka = new KafkaBus({ brokers: config.kafkaBrokers, clientId: `fengqiao-${config.serviceName}` });
  return config.kafkaTopicPrefix ? new PrefixedBus(kafka, config.kafkaTopicPrefix) : kafka;
}
