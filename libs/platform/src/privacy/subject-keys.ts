import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventShape,
  MasterKeyring,
  MongoSubjectKeyStore,
  PersonalDataPolicy,
  SqliteSubjectKeyStore,
  SubjectKeyDirectory,
  SubjectKeyStore,
} from '@fengqiao/event-store';
import { ConfigError, ServiceConfig } from '../config/service-config';
import { contextDatabaseName } from '../infrastructure/context-infrastructure';
import { openMongoClient } from '../infrastructure/mongo-clients';

export interface OpenedSubjectKeys {
  keys: SubjectKeyStore;
  close(): Promise<void>;
}

/**
 * Every context's subject keys in this process (five in standalone): the HTTP edge opens personal
 * data found in a response with it, whichever context's store the document came from.
 */
export const subjectKeyDirectory = new SubjectKeyDirectory();

/**
 * A context's subject-key store, in its own store and never in the events: standalone, the SQLite
 * file `<data dir>/<context>/subject-keys.sqlite`; distributed, the `subject_keys` collection of the
 * context's database. The master key (base64 of 32 bytes) comes from `<CONTEXT>_PII_MASTER_KEY`;
 * outside production a missing one is generated once into `<data dir>/<context>/pii-master.key`.
 */
export async function openSubjectKeyStore(config: ServiceConfig, context: string, env: NodeJS.ProcessEnv = process.env): Promise<OpenedSubjectKeys> {
  const dir = join(config.dataDir, context);
  const envName = `${context.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PII_MASTER_KEY`;
  let key = env[envName]?.trim();
  if (!key) {
    if (env.NODE_ENV === 'production') throw new ConfigError(`${envName} is required in production (base64 of 32 random bytes)`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'pii-master.key');
    if (!existsSync(file)) {
      try {
        writeFileSync(file, MasterKeyring.generate().current.key.toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    key = readFileSync(file, 'utf8').trim();
  }
  if (Buffer.from(key, 'base64').length !== 32) throw new ConfigError(`${envName} must be the base64 of 32 bytes`);
  const masterKeys = MasterKeyring.fromConfig({ id: `${context}-pii-1`, key });
  if (config.mode === 'standalone') {
    mkdirSync(dir, { recursive: true });
    const keys = new SqliteSubjectKeyStore({ masterKeys, database: join(dir, 'subject-keys.sqlite') });
    return { keys, close: async () => keys.close() };
  }
  const client = await openMongoClient(config.mongoUrl, `${context} subject keys`);
  const keys = MongoSubjectKeyStore.forDb(client.db(contextDatabaseName(config.mongoUrl, context)), { masterKeys });
  return { keys, close: () => client.close() };
}

/**
 * A policy for contexts whose structured personal data is sealed elsewhere (or nowhere): phone and
 * ID numbers found in the free text of an event are sealed for `subjectOf(event)`.
 */
export function freeTextPersonalData(subjectOf: (event: EventShape) => string | null): PersonalDataPolicy {
  return { specsFor: () => [], textSubjectOf: subjectOf };
}
