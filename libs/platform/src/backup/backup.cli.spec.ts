/**
 * npm run backup / restore on standalone data folders (real SQLite files, the real CLI code):
 * a round trip that keeps every hash, position and recordedAt; and the refusals — one altered byte
 * (named by file and line), a cut file, a non-empty target without --force.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointSigner, SqliteCheckpointStore, SqliteEventStore, StoreAuditor, type StoredEvent } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';
import { EXIT, runBackup, runRestore, type CliIo } from './backup.cli';

const CONTEXTS = ['intake', 'grid-dispatch'];

function io(dataDir: string): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), env: { FENGQIAO_MODE: 'standalone', FENGQIAO_DATA_DIR: dataDir } };
}

async function readAllEvents(path: string): Promise<StoredEvent[]> {
  const store = new SqliteEventStore({ path });
  try {
    return await store.readAll({ maxCount: 100_000 });
  } finally {
    await store.close();
  }
}

describe('npm run backup / restore (standalone)', () => {
  let root: string;
  let source: string;
  let signer: CheckpointSigner;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fq-backup-'));
    source = join(root, 'source');
    signer = CheckpointSigner.generate();
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'audit-signing-key.pem'), signer.exportPrivateKeyPem());
    for (const context of CONTEXTS) {
      mkdirSync(join(source, context), { recursive: true });
      const events = new SqliteEventStore({ path: join(source, context, 'events.sqlite') });
      const checkpoints = new SqliteCheckpointStore({ database: join(source, context, 'checkpoints.sqlite') });
      const auditor = new StoreAuditor({ context, events, checkpoints, signer });
      for (let s = 0; s < 5; s++) {
        for (let r = 0; r < 4; r++) {
          await events.append(`case-${context}-${s}`, [contractEvent({ type: 'Step', data: { s, r, text: '消防通道被占用' } })], {
            expectedRevision: r === 0 ? 'no_stream' : r - 1,
          });
        }
        if (s === 2) await auditor.checkpoint();
      }
      await auditor.checkpoint();
      await events.append('case-late', [contractEvent({ type: 'Late', data: { after: 'the last checkpoint' } })], { expectedRevision: 'any' });
      await events.close();
      checkpoints.close();
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const backupOnce = async (name: string): Promise<string> => {
    const out = join(root, name);
    const cli = io(source);
    const code = await runBackup(['--out', out, '--progress-every', '7'], cli);
    expect(cli.errors.filter((l) => !l.startsWith('[backup]'))).toEqual([]);
    expect(code).toBe(EXIT.ok);
    expect(cli.errors.some((l) => /\[backup\] intake: 已导出 exported 7/.test(l))).toBe(true);
    return out;
  };

  it('restores into a fresh data folder with the same events, positions, times and hashes, and verifies', async () => {
    const backup = await backupOnce('b-ok');
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'));
    expect(manifest.contexts.map((c: { context: string }) => c.context)).toEqual(CONTEXTS);
    expect(manifest.contexts[0].events.count).toBe(21);
    expect(manifest.contexts[0].checkpoints.count).toBe(2);

    const target = join(root, 'fresh');
    const cli = io(target);
    const code = await runRestore(['--from', backup], cli);
    expect(cli.errors).toEqual([]);
    expect(code).toBe(EXIT.ok);
    expect(cli.lines.join('\n')).toMatch(/intake: 已恢复并校验 \/ restored and verified: 21 个事件/);
    expect(cli.lines.join('\n')).toMatch(/签名已核验 2/);
    for (const context of CONTEXTS) {
      expect(await readAllEvents(join(target, context, 'events.sqlite'))).toEqual(await readAllEvents(join(source, context, 'events.sqlite')));
      const cps = new SqliteCheckpointStore({ database: join(target, context, 'checkpoints.sqlite') });
      expect((await cps.list()).map((c) => c.checkpoint.treeSize)).toEqual([12, 20]);
      cps.close();
    }
    // the restored store accepts new appends after the restored ones
    const store = new SqliteEventStore({ path: join(target, 'intake', 'events.sqlite') });
    const r = await store.append('case-intake-0', [contractEvent()], { expectedRevision: 3 });
    expect(r.lastPosition).toBe(22);
    await store.close();
  });

  it('refuses a backup with one altered byte, naming the file and line of the record', async () => {
    const backup = await backupOnce('b-altered');
    const file = join(backup, 'grid-dispatch', 'events.ndjson');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // one byte of the 9th record's payload
    lines[8] = lines[8].replace('"s":2', '"s":3');
    writeFileSync(file, lines.join('\n'));
    expect(Buffer.byteLength(lines.join('\n'))).toBe(Buffer.byteLength(text));
    const target = join(root, 'fresh-altered');
    const cli = io(target);
    expect(await runRestore(['--from', backup], cli)).toBe(EXIT.damaged);
    expect(cli.errors.join('\n')).toMatch(/grid-dispatch\/events\.ndjson:9: .*哈希不能复算/);
    expect(existsSync(join(target, 'intake', 'events.sqlite'))).toBe(false); // nothing written, not even the intact context
  });

  it('names the record when a byte of a position, a previous hash or a checkpoint signature is altered', async () => {
    const cases: Array<{ file: string; line: number; alter: (l: string) => string; reason: RegExp }> = [
      {
        file: 'intake/events.ndjson',
        line: 6,
        alter: (l) => l.replace('"globalPosition":6', '"globalPosition":7'),
        reason: /intake\/events\.ndjson:6: 全局位置 7 不连续/,
      },
      {
        file: 'intake/events.ndjson',
        line: 2,
        alter: (l) => l.replace(/"previousHash":"(.)/, (_m, c: string) => `"previousHash":"${c === 'a' ? 'b' : 'a'}`),
        reason: /intake\/events\.ndjson:2: .*previousHash/,
      },
      {
        file: 'intake/checkpoints.ndjson',
        line: 1,
        alter: (l) => l.replace(/"signature":"(.)/, (_m, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`),
        reason: /intake\/checkpoints\.ndjson:1: 检查点签名无效/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const backup = await backupOnce(`b-byte-${i}`);
      const path = join(backup, c.file);
      const lines = readFileSync(path, 'utf8').split('\n');
      const altered = c.alter(lines[c.line - 1]);
      expect(altered).not.toBe(lines[c.line - 1]);
      lines[c.line - 1] = altered;
      writeFileSync(path, lines.join('\n'));
      const cli = io(join(root, `fresh-byte-${i}`));
      expect(await runRestore(['--from', backup, '--check-only'], cli)).toBe(EXIT.damaged);
      expect(cli.errors.join('\n')).toMatch(c.reason);
    }
    // --check-only on an intact backup writes nothing and says it is intact
    const intact = await backupOnce('b-intact');
    const cli = io(join(root, 'never-written'));
    expect(await runRestore(['--from', intact, '--check-only'], cli)).toBe(EXIT.ok);
    expect(cli.lines.join('\n')).toMatch(/intake: 备份完好 \/ backup intact: 21 个事件/);
    expect(existsSync(join(root, 'never-written'))).toBe(false);
  });

  it('refuses a cut backup', async () => {
    const backup = await backupOnce('b-cut');
    const file = join(backup, 'intake', 'events.ndjson');
    truncateSync(file, statSync(file).size - 40);
    const cli = io(join(root, 'fresh-cut'));
    expect(await runRestore(['--from', backup], cli)).toBe(EXIT.damaged);
    expect(cli.errors.join('\n')).toMatch(/intake\/events\.ndjson:21: 文件被截断/);

    // cut exactly at a line end: the manifest counts the missing records
    const backup2 = await backupOnce('b-cut-2');
    const file2 = join(backup2, 'intake', 'events.ndjson');
    const kept = readFileSync(file2, 'utf8').split('\n').slice(0, 15).join('\n') + '\n';
    writeFileSync(file2, kept);
    const cli2 = io(join(root, 'fresh-cut-2'));
    expect(await runRestore(['--from', backup2], cli2)).toBe(EXIT.damaged);
    expect(cli2.errors.join('\n')).toMatch(/intake\/events\.ndjson:16: 文件被截断：清单记录 21 条，文件只有 15 条/);
  });

  it('refuses a non-empty target unless --force, which replaces it', async () => {
    const backup = await backupOnce('b-force');
    const cli = io(source);
    expect(await runRestore(['--from', backup], cli)).toBe(EXIT.notEmpty);
    expect(cli.errors.join('\n')).toMatch(/拒绝恢复 \/ refused: .*intake 已有 21 个事件.*--force/);

    const target = join(root, 'busy');
    const first = io(target);
    expect(await runRestore(['--from', backup, '--contexts', 'intake'], first)).toBe(EXIT.ok);
    const store = new SqliteEventStore({ path: join(target, 'intake', 'events.sqlite') });
    await store.append('extra', [contractEvent()], { expectedRevision: 'no_stream' });
    await store.close();
    const forced = io(target);
    expect(await runRestore(['--from', backup, '--contexts', 'intake', '--force'], forced)).toBe(EXIT.ok);
    expect(await readAllEvents(join(target, 'intake', 'events.sqlite'))).toEqual(await readAllEvents(join(source, 'intake', 'events.sqlite')));
  });

  it('says how to use it', async () => {
    const cli = io(source);
    expect(await runRestore([], cli)).toBe(EXIT.usage);
    expect(cli.errors.join('\n')).toMatch(/缺少 --from/);
    expect(await runBackup(['--out'], cli)).toBe(EXIT.usage);
  });
});
