/**
 * Where each context's event store and checkpoints live, for backup and restore: the same places
 * `openContextInfrastructure` opens (standalone: `<dataDir>/<context>/events.sqlite` and
 * `checkpoints.sqlite`; distributed: the database `<db>_<context>` on MongoDB/FerretDB, or the
 * context's streams on KurrentDB).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CheckpointSigner,
  KurrentDbEventStore,
  MongoCheckpointStore,
  MongoEventStore,
  openMongoRawImport,
  openSqliteRawImport,
  SqliteCheckpointStore,
  SqliteEventStore,
  type CheckpointKeySet,
  type CheckpointStore,
  type EventStore,
  type RawEventImport,
} from '@fengqiao/event-store';
import { contextDatabaseName } from '../infrastructure/context-infrastructure';
import { openMongoClient } from '../infrastructure/mongo-clients';
import { retiredKeysFrom } from '../audit/audit-signing-key';

/** Every context that owns an event store (DESIGN §3). Identity keeps its directory journal in `identity.sqlite`, not in an event store. */
export const BACKUP_CONTEXTS = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'] as const;

export interface BackupEnvironment {
  mode: 'standalone' | 'distributed';
  dataDir: string;
  mongoUrl: string;
  kurrentdbUrl: string;
}

export function backupEnvironment(env: NodeJS.ProcessEnv): BackupEnvironment {
  const mode = (env.FENGQIAO_MODE || 'standalone') as BackupEnvironment['mode'];
  if (mode !== 'standalone' && mode !== 'distributed')
    throw new UsageError(`FENGQIAO_MODE 必须是 standalone 或 distributed / must be standalone or distributed: ${String(mode)}`);
  const e: BackupEnvironment = { mode, dataDir: env.FENGQIAO_DATA_DIR || './data', mongoUrl: env.MONGO_URL ?? '', kurrentdbUrl: env.KURRENTDB_URL ?? '' };
  if (mode === 'distributed' && !e.mongoUrl) throw new UsageError('分布式模式需要 MONGO_URL / distributed mode needs MONGO_URL');
  return e;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** One context's stores opened for export. */
export interface OpenedSource {
  context: string;
  events: EventStore;
  checkpoints: CheckpointStore;
  densePositions: boolean;
  close(): Promise<void>;
}

/** One context's target opened for restore. */
export interface OpenedTarget {
  context: string;
  raw: RawEventImport;
  checkpoints: CheckpointStore;
  /** the restored store through the port, for verification */
  openStore(): Promise<EventStore>;
  close(): Promise<void>;
}

export interface Deployment {
  eventStore: 'sqlite' | 'mongodb' | 'kurrentdb';
  /** contexts that have a store here (export) */
  contexts(): Promise<string[]>;
  openSource(context: string): Promise<OpenedSource>;
  /**
   * Empties a context's store for a forced restore: its events, checkpoints, and what is derived
   * from them (read models, relay checkpoint, inbox), so views rebuild and the relay republishes
   * from position 0. Personal-data keys (`subject-keys.sqlite`, `subject_keys`) are kept.
   */
  clear(context: string): Promise<void>;
  openTarget(context: string): Promise<OpenedTarget>;
  /** public keys of the checkpoint signer known here (for the manifest) */
  keySet(env: NodeJS.ProcessEnv): CheckpointKeySet | undefined;
  close(): Promise<void>;
}

const SQLITE_FILES = ['events.sqlite', 'checkpoints.sqlite', 'read-models.sqlite', 'relay.sqlite', 'inbox.sqlite'];

function keySetFrom(pem: string | undefined, env: NodeJS.ProcessEnv): CheckpointKeySet | undefined {
  const keys: CheckpointKeySet['keys'] = [];
  if (pem) keys.push(CheckpointSigner.fromPrivateKey(pem).publicJwk());
  const retired = retiredKeysFrom(env);
  if (retired) keys.push(...retired.keys.filter((k) => !keys.some((c) => c.kid === k.kid)));
  return keys.length > 0 ? { keys } : undefined;
}

function signingKeyPem(env: NodeJS.ProcessEnv, dataDir?: string): string | undefined {
  if (env.AUDIT_SIGNING_KEY_FILE) return readFileSync(env.AUDIT_SIGNING_KEY_FILE, 'utf8').trim();
  if (env.AUDIT_SIGNING_KEY) return env.AUDIT_SIGNING_KEY;
  const file = dataDir ? join(dataDir, 'audit-signing-key.pem') : undefined;
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function standaloneDeployment(dataDir: string): Deployment {
  const dir = (context: string) => join(dataDir, context);
  return {
    eventStore: 'sqlite',
    async contexts() {
      return BACKUP_CONTEXTS.filter((c) => existsSync(join(dir(c), 'events.sqlite')));
    },
    async openSource(context) {
      const events = new SqliteEventStore({ path: join(dir(context), 'events.sqlite') });
      const checkpoints = new SqliteCheckpointStore({ database: join(dir(context), 'checkpoints.sqlite') });
      return {
        context,
        events,
        checkpoints,
        densePositions: true,
        async close() {
          await events.close();
          checkpoints.close();
        },
      };
    },
    async clear(context) {
      for (const f of SQLITE_FILES) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir(context), f + suffix), { force: true });
    },
    async openTarget(context) {
      mkdirSync(dir(context), { recursive: true });
      const path = join(dir(context), 'events.sqlite');
      const raw = await openSqliteRawImport(path);
      const checkpoints = new SqliteCheckpointStore({ database: join(dir(context), 'checkpoints.sqlite') });
      let store: SqliteEventStore | undefined;
      return {
        context,
        raw,
        checkpoints,
        async openStore() {
          store ??= new SqliteEventStore({ path });
          return store;
        },
        async close() {
          await raw.close();
          await store?.close();
          checkpoints.close();
        },
      };
    },
    keySet: (env) => keySetFrom(signingKeyPem(env, dataDir), env),
    // the SQLite files are opened per context and closed with it
    close: () => Promise.resolve(),
  };
}

export async function distributedDeployment(mongoUrl: string, kurrentdbUrl: string): Promise<Deployment> {
  const client = await openMongoClient(mongoUrl, 'backup');
  const dbOf = (context: string) => client.db(contextDatabaseName(mongoUrl, context));
  const prefixOf = (context: string) => `${context.replace(/[^A-Za-z0-9]/g, '_')}.`;
  const hasEvents = async (context: string) => (await dbOf(context).listCollections({ name: 'events' }, { nameOnly: true }).toArray()).length > 0;
  return {
    eventStore: kurrentdbUrl ? 'kurrentdb' : 'mongodb',
    async contexts() {
      if (kurrentdbUrl) return [...BACKUP_CONTEXTS];
      const out: string[] = [];
      for (const c of BACKUP_CONTEXTS) if (await hasEvents(c)) out.push(c);
      return out;
    },
    async openSource(context) {
      const db = dbOf(context);
      const events: EventStore = kurrentdbUrl
        ? KurrentDbEventStore.connect(kurrentdbUrl, { streamPrefix: prefixOf(context) })
        : await MongoEventStore.create({ db, onMigrationProgress: (message) => process.stderr.write(`${message}\n`) });
      return { context, events, checkpoints: MongoCheckpointStore.forDb(db), densePositions: !kurrentdbUrl, close: () => events.close() };
    },
    async clear(context) {
      if (kurrentdbUrl) throw new UsageError('KurrentDB 的事件流不能删除后重写：请恢复到新的 KurrentDB 或 MongoDB / KurrentDB streams cannot be replaced');
      const db = dbOf(context);
      for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
        if (c.name !== 'subject_keys' && !c.name.startsWith('system.')) await db.dropCollection(c.name);
      }
    },
    async openTarget(context) {
      if (kurrentdbUrl) {
        throw new UsageError(
          '恢复到 KurrentDB 尚不支持（它自己分配全局位置和记录时间）；请恢复到 MongoDB / restoring into KurrentDB is not supported: it assigns its own positions and times',
        );
      }
      const db = dbOf(context);
      const raw = await openMongoRawImport(db);
      return {
        context,
        raw,
        checkpoints: MongoCheckpointStore.forDb(db),
        openStore: () => MongoEventStore.create({ db }),
        close: () => raw.close(),
      };
    },
    keySet: (env) => keySetFrom(signingKeyPem(env), env),
    close: () => client.close(),
  };
}

export async function openDeployment(e: BackupEnvironment): Promise<Deployment> {
  return e.mode === 'standalone' ? standaloneDeployment(e.dataDir) : distributedDeployment(e.mongoUrl, e.kurrentdbUrl);
}
