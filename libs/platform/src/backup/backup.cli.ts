/**
 * `npm run backup -- --out <folder>` and `npm run restore -- --from <folder> [--force]` (issue 16,
 * item 1; docs/operations.md "Backup and restore"). The deployment is the one the environment
 * describes, as for the services: FENGQIAO_MODE, FENGQIAO_DATA_DIR (standalone), MONGO_URL and
 * KURRENTDB_URL (distributed).
 *
 * Exit codes: 0 done and verified; 1 the backup is damaged or the restored store does not verify;
 * 2 bad usage; 3 the target is not empty (without --force); 4 anything else (I/O, connection).
 * Messages are Chinese then English; progress goes to stderr every `--progress-every` events.
 */
import { mkdirSync, readdirSync, existsSync, writeFileSync, renameSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BACKUP_FORMAT,
  BackupDamagedError,
  checkContextBackup,
  exportContext,
  importContextBackup,
  MANIFEST_FILE,
  readManifest,
  RestoreTargetNotEmptyError,
  RestoreVerificationError,
  verifyRestoredContext,
  type BackupManifest,
  type CheckpointKeySet,
  type CheckedContextBackup,
  type ContextBackupManifest,
  type ProgressReporter,
} from '@fengqiao/event-store';
import { backupEnvironment, openDeployment, UsageError } from './backup-targets';

export const EXIT = { ok: 0, damaged: 1, usage: 2, notEmpty: 3, failed: 4 } as const;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), env: process.env };

interface Args {
  flags: Map<string, string | true>;
}

function parseArgs(argv: readonly string[], known: Record<string, 'value' | 'flag'>): Args {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const kind = known[a];
    if (!kind) throw new UsageError(`未知参数 / unknown argument: ${a}`);
    if (kind === 'flag') flags.set(a, true);
    else {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} 需要一个值 / needs a value`);
      flags.set(a, v);
    }
  }
  return { flags };
}

function progressOf(args: Args, io: CliIo, verb: string): ProgressReporter {
  const every = Number(args.flags.get('--progress-every') ?? 10_000);
  if (!Number.isSafeInteger(every) || every < 1) throw new UsageError('--progress-every 必须是正整数 / must be a positive integer');
  const phases = { export: '已导出 exported', check: '已检查 checked', import: '已导入 imported', verify: '已校验 verified' } as const;
  return {
    every,
    report: (context, phase, done, total) => io.err(`[${verb}] ${context}: ${phases[phase]} ${done}${total !== undefined ? ` / ${total}` : ''}`),
  };
}

function contextsOf(args: Args): string[] | undefined {
  const v = args.flags.get('--contexts');
  return typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function keysOf(args: Args): CheckpointKeySet | undefined {
  const file = args.flags.get('--keys');
  if (typeof file !== 'string') return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CheckpointKeySet;
  if (!parsed || !Array.isArray(parsed.keys)) throw new UsageError(`${file} 不是 JWK Set / is not a JWK Set {"keys":[…]}`);
  return parsed;
}

async function guarded(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`用法错误 / usage: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof BackupDamagedError || e instanceof RestoreVerificationError) {
      io.err(e.message);
      return EXIT.damaged;
    }
    if (e instanceof RestoreTargetNotEmptyError) {
      io.err(`拒绝恢复 / refused: ${e.message}`);
      return EXIT.notEmpty;
    }
    io.err(`失败 / failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.failed;
  }
}

export const BACKUP_USAGE = 'usage: npm run backup -- --out <folder> [--contexts intake,grid-dispatch,…] [--keys <checkpoint-keys.json>] [--progress-every N]';
export const RESTORE_USAGE =
  'usage: npm run restore -- --from <folder> [--force] [--contexts …] [--keys <checkpoint-keys.json>] [--check-only] [--progress-every N]';

export async function runBackup(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  return guarded(io, async () => {
    const args = parseArgs(argv, { '--out': 'value', '--contexts': 'value', '--keys': 'value', '--progress-every': 'value', '--help': 'flag' });
    if (args.flags.has('--help')) {
      io.out(BACKUP_USAGE);
      return EXIT.ok;
    }
    const out = args.flags.get('--out');
    if (typeof out !== 'string') throw new UsageError(`缺少 --out / --out is required\n${BACKUP_USAGE}`);
    if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`备份目录 ${out} 不是空的 / the backup folder is not empty`);
    const environment = backupEnvironment(io.env);
    const progress = progressOf(args, io, 'backup');
    const deployment = await openDeployment(environment);
    try {
      const wanted = contextsOf(args);
      const present = await deployment.contexts();
      const contexts = wanted ?? present;
      for (const c of contexts) if (!present.includes(c)) throw new UsageError(`没有上下文 ${c} 的事件库 / no event store for context ${c}`);
      mkdirSync(out, { recursive: true });
      const keySet = keysOf(args) ?? deployment.keySet(io.env);
      const entries: ContextBackupManifest[] = [];
      for (const context of contexts) {
        const source = await deployment.openSource(context);
        try {
          const entry = await exportContext({
            context,
            events: source.events,
            checkpoints: source.checkpoints,
            dir: out,
            densePositions: source.densePositions,
            ...(keySet ? { keySet } : {}),
            progress,
          });
          entries.push(entry);
          io.out(
            `${context}: ${entry.events.count} 个事件 events, ${entry.events.streams} 个事件流 streams, ${entry.checkpoints.count} 个签名检查点 signed checkpoints`,
          );
        } finally {
          await source.close();
        }
      }
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        source: { mode: environment.mode, eventStore: deployment.eventStore },
        contexts: entries,
      };
      // the manifest last, renamed into place: a backup without one is visibly incomplete
      writeFileSync(join(out, `${MANIFEST_FILE}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
      renameSync(join(out, `${MANIFEST_FILE}.tmp`), join(out, MANIFEST_FILE));
      io.out(
        `备份完成 / backup written: ${out}${keySet ? '' : '（未找到检查点公钥：恢复时用 --keys 提供 / no checkpoint key found: give --keys when restoring）'}`,
      );
      return EXIT.ok;
    } finally {
      await deployment.close();
    }
  });
}

export async function runRestore(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  return guarded(io, async () => {
    const args = parseArgs(argv, {
      '--from': 'value',
      '--force': 'flag',
      '--contexts': 'value',
      '--keys': 'value',
      '--check-only': 'flag',
      '--progress-every': 'value',
      '--help': 'flag',
    });
    if (args.flags.has('--help')) {
      io.out(RESTORE_USAGE);
      return EXIT.ok;
    }
    const from = args.flags.get('--from');
    if (typeof from !== 'string') throw new UsageError(`缺少 --from / --from is required\n${RESTORE_USAGE}`);
    const progress = progressOf(args, io, 'restore');
    const manifest = readManifest(from);
    const wanted = contextsOf(args);
    const entries = wanted ? manifest.contexts.filter((c) => wanted.includes(c.context)) : manifest.contexts;
    for (const c of wanted ?? []) if (!entries.some((e) => e.context === c)) throw new UsageError(`备份里没有上下文 ${c} / the backup has no context ${c}`);
    const trusted = keysOf(args);

    // 1. every record of every context checked before anything is written
    const checked: CheckedContextBackup[] = [];
    for (const entry of entries) {
      const keySet = trusted ?? entry.keySet;
      const c = await checkContextBackup(from, entry, keySet, progress);
      checked.push(c);
      io.out(
        `${entry.context}: 备份完好 / backup intact: ${c.events} 个事件 events, ${c.streams} 个事件流 streams, 日志与 ${c.checkpointCheck.consistent} 个检查点一致 / log consistent with ${c.checkpointCheck.consistent} checkpoints` +
          (keySet
            ? `, 签名已核验 ${c.checkpointCheck.signaturesVerified} / signatures verified${trusted ? '' : '（用备份内的公钥 / with the key recorded in the backup）'}`
            : ', 签名未核验（无公钥）/ signatures not checked (no key)'),
      );
    }
    if (args.flags.has('--check-only')) return EXIT.ok;

    const environment = backupEnvironment(io.env);
    const deployment = await openDeployment(environment);
    try {
      // 2. the target must be empty (or --force empties it), for every context, before any import
      for (const { entry } of checked) {
        const target = await deployment.openTarget(entry.context);
        let existing: number;
        let hasCheckpoints: boolean;
        try {
          existing = await target.raw.count();
          hasCheckpoints = (await target.checkpoints.latest()) !== undefined;
        } finally {
          await target.close();
        }
        if (existing > 0 || hasCheckpoints) {
          if (!args.flags.has('--force')) throw new RestoreTargetNotEmptyError(entry.context, existing);
          io.err(`[restore] ${entry.context}: --force：清空现有的 ${existing} 个事件及其读模型 / emptying ${existing} events and their read models`);
          await deployment.clear(entry.context);
        }
      }
      // 3. import and verify each context
      for (const c of checked) {
        const context = c.entry.context;
        const target = await deployment.openTarget(context);
        try {
          const { imported, renumbered } = await importContextBackup({ dir: from, checked: c, target, progress });
          const keySet = trusted ?? c.entry.keySet;
          const result = await verifyRestoredContext(await target.openStore(), c, keySet);
          io.out(
            `${context}: 已恢复并校验 / restored and verified: ${imported} 个事件 events, ${result.streamCount} 个事件流 streams, 每条哈希链可复算 / every chain recomputes, ` +
              `默克尔根 root ${result.rootHash.slice(0, 16)}…, 与导出的检查点一致 / consistent with the exported checkpoint (${c.checkpoints.length})` +
              (renumbered ? '，全局位置已重新编号 / global positions renumbered' : ''),
          );
        } finally {
          await target.close();
        }
      }
      io.out(
        '恢复完成：启动系统后读模型从事件重建，中继从位置 0 重新发布 / restore done: on start the read models rebuild from the events and the relay republishes from position 0',
      );
      return EXIT.ok;
    } finally {
      await deployment.close();
    }
  });
}

if (require.main === module) {
  const [command, ...rest] = process.argv.slice(2);
  const run = command === 'backup' ? runBackup : command === 'restore' ? runRestore : undefined;
  if (!run) {
    process.stderr.write(`${BACKUP_USAGE}\n${RESTORE_USAGE}\n`);
    process.exit(EXIT.usage);
  }
  void run(rest).then((code) => process.exit(code));
}
