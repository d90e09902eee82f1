/**
 * npm run restore into MongoDB (FerretDB here) through the MongoDB adapter's raw import: a standalone
 * backup lands in a fresh database with the same events (positions, recordedAt, hashes), the store
 * appends after them, a second restore is refused, `--force` replaces, and a backup of the MongoDB
 * deployment restores back into a fresh standalone folder with the same events again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { CheckpointSigner, MongoEventStore, SqliteCheckpointStore, SqliteEventStore, StoreAuditor, type StoredEvent } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { contextDatabaseName } from '../infrastructure/context-infrastructure';
import { EXIT, runBackup, runRestore, type CliIo } from './backup.cli';

function io(env: Record<string, string>): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), env };
}

describeIntegration('backup and restore across SQLite and MongoDB (FerretDB)', ['mongo'], (env) => {
  let root: string;
  let client: MongoClient;
  let sourceEvents: StoredEvent[];
  const dbName = uniqueName('fq_restore').replace(/[^A-Za-z0-9_]/g, '_');
  const mongoUrl = () => `${env().mongoUrl.replace(/\/[^/]*$/, '')}/${dbName}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fq-backup-int-'));
    client = await new MongoClient(env().mongoUrl).connect();
    const source = join(root, 'source');
    mkdirSync(join(source, 'intake'), { recursive: true });
    const signer = CheckpointSigner.generate();
    writeFileSync(join(source, 'audit-signing-key.pem'), signer.exportPrivateKeyPem());
    const events = new SqliteEventStore({ path: join(source, 'intake', 'events.sqlite') });
    const checkpoints = new SqliteCheckpointStore({ database: join(source, 'intake', 'checkpoints.sqlite') });
    for (let s = 0; s < 6; s++) {
      await events.append(`case-${s}`, [contractEvent({ data: { s, 'a.b': 1, $k: '键' } }), contractEvent({ data: { s, n: 2 } })], {
        expectedRevision: 'no_stream',
      });
    }
    await new StoreAuditor({ context: 'intake', events, checkpoints, signer }).checkpoint();
    sourceEvents = await events.readAll({ maxCount: 1000 });
    await events.close();
    checkpoints.close();
    const b = io({ FENGQIAO_MODE: 'standalone', FENGQIAO_DATA_DIR: source });
    expect(await runBackup(['--out', join(root, 'backup')], b)).toBe(EXIT.ok);
  });

  afterAll(async () => {
    await client?.db(contextDatabaseName(mongoUrl(), 'intake')).dropDatabase();
    await client?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('restores a standalone backup into a fresh database, refuses a second time, replaces with --force, and comes back', async () => {
    const target = { FENGQIAO_MODE: 'distributed', MONGO_URL: mongoUrl() };
    const first = io(target);
    expect(await runRestore(['--from', join(root, 'backup')], first)).toBe(EXIT.ok);
    expect(first.lines.join('\n')).toMatch(/intake: 已恢复并校验 \/ restored and verified: 12 个事件/);
    expect(first.lines.join('\n')).toMatch(/签名已核验 1/);

    const db = client.db(contextDatabaseName(mongoUrl(), 'intake'));
    const store = await MongoEventStore.create({ db });
    expect(await store.readAll({ maxCount: 1000 })).toEqual(sourceEvents);
    expect((await store.append('case-0', [contractEvent()], { expectedRevision: 1 })).lastPosition).toBe(13);

    const again = io(target);
    expect(await runRestore(['--from', join(root, 'backup')], again)).toBe(EXIT.notEmpty);
    expect(again.errors.join('\n')).toMatch(/intake 已有 13 个事件/);
    const forced = io(target);
    expect(await runRestore(['--from', join(root, 'backup'), '--force'], forced)).toBe(EXIT.ok);
    expect(await store.readAll({ maxCount: 1000 })).toEqual(sourceEvents);

    // and back: a backup of the MongoDB deployment into a fresh standalone folder
    const b = io(target);
    expect(await runBackup(['--out', join(root, 'from-mongo'), '--contexts', 'intake'], b)).toBe(EXIT.ok);
    const back = join(root, 'back');
    const r = io({ FENGQIAO_MODE: 'standalone', FENGQIAO_DATA_DIR: back });
    expect(await runRestore(['--from', join(root, 'from-mongo')], r)).toBe(EXIT.ok);
    // no key in a distributed environment without AUDIT_SIGNING_KEY or --keys: said, not hidden
    expect(r.lines.join('\n')).toMatch(/签名未核验（无公钥）\/ signatures not checked \(no key\)/);
    const restored = new SqliteEventStore({ path: join(back, 'intake', 'events.sqlite') });
    expect(await restored.readAll({ maxCount: 1000 })).toEqual(sourceEvents);
    await restored.close();
  });
});
