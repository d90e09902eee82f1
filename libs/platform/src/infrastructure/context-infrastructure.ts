import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { CheckpointStore, EventStore, MongoCheckpointStore, MongoEventStore, SqliteCheckpointStore, SqliteEventStore } from '@fengqiao/event-store';
import { EmbeddedReadStore, MongoReadStore, ReadStore } from '@fengqiao/read-store';
import { Bus, InMemoryRelayCheckpointStore, InProcessBus, KafkaBus, MongoRelayCheckpointStore, RelayCheckpointStore } from '@fengqiao/bus';
import { ServiceConfig } from '../config/service-config';

/**
 * What one context owns (DESIGN §3: each service owns its streams): its event store, its read
 * models, and its relay checkpoint. Standalone: files under `<dataDir>/<context>/` (node:sqlite).
 * Distributed: the database `<db of MONGO_URL>_<context>` on MongoDB (or FerretDB).
 *
 * Standalone keeps the relay checkpoint in memory on purpose: the in-process bus is a transport
 * that does not survive a restart, so after a restart the relay publishes the store again from
 * the start and the consumers' inboxes and revision-guarded projections drop what they already
 * handled. Nothing published but not yet handled before a crash can be lost that way.
 */
export interface ContextInfrastructure {
  context: string;
  events: EventStore;
  readStore: ReadStore;
  relayCheckpoints: RelayCheckpointStore;
  /** Signed checkpoints of the event store's Merkle log (DESIGN §4), beside the store. */
  checkpoints: CheckpointStore;
  close(): Promise<void>;
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
    const relayCheckpoints = new InMemoryRelayCheckpointStore();
    const checkpoints = new SqliteCheckpointStore({ database: join(dir, 'checkpoints.sqlite') });
    return {
      context,
      events,
      readStore,
      relayCheckpoints,
      checkpoints,
      async close() {
        await events.close();
        await readStore.close();
        checkpoints.close();
      },
    };
  }
  const dbName = contextDatabaseName(config.mongoUrl, context);
  const client = await new MongoClient(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect();
  const db = client.db(dbName);
  const events = await MongoEventStore.create({ db });
  const readStore = await MongoReadStore.connect({ url: config.mongoUrl, dbName });
  const relayCheckpoints = MongoRelayCheckpointStore.forDb(db);
  const checkpoints = MongoCheckpointStore.forDb(db);
  return {
    context,
    events,
    readStore,
    relayCheckpoints,
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
  return config.mode === 'distributed' ? new KafkaBus({ brokers: config.kafkaBrokers, clientId: `fengqiao-${config.serviceName}` }) : new InProcessBus();
}
