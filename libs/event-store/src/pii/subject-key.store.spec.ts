import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MasterKeyring } from './master-keyring';
import { SqliteSubjectKeyStore } from './sqlite-subject-key.store';
import { InMemorySubjectKeyStore, SubjectKeyRecord, SubjectKeyStoreOptions } from './subject-key.store';
import { subjectKeyStoreContract } from './subject-key-store.contract';

subjectKeyStoreContract('in-memory', async () => {
  const records = new Map<string, SubjectKeyRecord>();
  return {
    open: async (options) => new InMemorySubjectKeyStore({ ...options, records }),
    rawDump: async () => JSON.stringify([...records.values()]),
    rawWrappedKey: async (id) => records.get(id)?.wrapped?.ct,
    close: async () => undefined,
  };
});

function sqliteHarness() {
  const dir = mkdtempSync(join(tmpdir(), 'fq-subject-keys-'));
  const file = join(dir, 'keys.db');
  const opened: SqliteSubjectKeyStore[] = [];
  const inspect = () => new DatabaseSync(file, { readOnly: true });
  return {
    dir,
    file,
    open: async (options: SubjectKeyStoreOptions) => {
      const s = new SqliteSubjectKeyStore({ ...options, database: file });
      opened.push(s);
      return s;
    },
    rawDump: async () => {
      const db = inspect();
      try {
        const rows = db.prepare('SELECT * FROM subject_keys').all();
        return JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
      } finally {
        db.close();
      }
    },
    rawWrappedKey: async (subjectId: string) => {
      const db = inspect();
      try {
        const row = db.prepare('SELECT ct FROM subject_keys WHERE subject_id = ?').get(subjectId) as { ct: Uint8Array | null } | undefined;
        return row?.ct ? Buffer.from(row.ct).toString('base64') : undefined;
      } finally {
        db.close();
      }
    },
    close: async () => {
      for (const s of opened) s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

subjectKeyStoreContract('sqlite (file)', async () => sqliteHarness());

describe('SqliteSubjectKeyStore on disk', () => {
  it('overwrites the erased wrapped key in the database file and its WAL (secure_delete)', async () => {
    const h = sqliteHarness();
    try {
      const store = await h.open({ masterKeys: MasterKeyring.generate() });
      for (let i = 0; i < 20; i++) await store.getOrCreate(`subject-${i}`);
      const wrapped = Buffer.from((await h.rawWrappedKey('subject-7')) as string, 'base64');
      const onDisk = (): Buffer => Buffer.concat(readdirSync(h.dir).map((f) => readFileSync(join(h.dir, f))));
      expect(onDisk().includes(wrapped)).toBe(true);
      await store.erase('subject-7');
      expect(onDisk().includes(wrapped)).toBe(false);
      expect(await store.get('subject-8')).toMatchObject({ status: 'active' });
    } finally {
      await h.close();
    }
  });
});
