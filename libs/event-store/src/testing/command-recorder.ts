/**
 * Records the commands a MongoDB driver client sends (command monitoring), for tests that count
 * queries instead of timing them: which commands ran, and whether every filter is one that MongoDB
 * answers from an index and FerretDB 1.24 pushes down — equalities on `_id` or on top-level scalar
 * fields, without `$in`, `$gt`/`$lt`, `$or`, dotted paths or sorts.
 *
 *   const client = await MongoClient.connect(url, { monitorCommands: true });
 *   const recorder = recordCommands(client, dbName);
 *   const commands = await recorder.during(() => store.append(...));
 *   expect(commands.flatMap(filterProblems)).toEqual([]);
 */
import type { CommandStartedEvent, Db, Document, MongoClient } from 'mongodb';

export interface RecordedCommand {
  name: string;
  collection: string | undefined;
  command: Document;
}

export interface CommandRecorder {
  /** Runs `action` and returns the commands sent to `dbName` while it ran (nothing else may use the client meanwhile). */
  during(action: () => Promise<unknown>): Promise<RecordedCommand[]>;
  stop(): void;
}

export function recordCommands(client: MongoClient, dbName: string): CommandRecorder {
  let current: RecordedCommand[] | undefined;
  const listener = (event: CommandStartedEvent) => {
    if (!current || event.databaseName !== dbName) return;
    const value: unknown = event.command[event.commandName];
    current.push({ name: event.commandName, collection: typeof value === 'string' ? value : undefined, command: event.command });
  };
  client.on('commandStarted', listener);
  return {
    async during(action) {
      const recorded: RecordedCommand[] = [];
      current = recorded;
      try {
        await action();
      } finally {
        current = undefined;
      }
      return recorded;
    },
    stop() {
      client.off('commandStarted', listener);
    },
  };
}

/** Why a filter is not an equality on `_id` or on top-level scalar fields ([] when it is). */
export function equalityProblems(filter: Document | undefined): string[] {
  if (filter === undefined || Object.keys(filter).length === 0) return ['no filter: reads the whole collection'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) problems.push(`operator ${key}`);
    else if (key.includes('.')) problems.push(`dotted path ${key}`);
    else if (value !== null && typeof value === 'object' && !isScalarObject(value)) problems.push(`${key}: ${JSON.stringify(value)} is not a scalar`);
  }
  return problems;
}

function isScalarObject(value: object): boolean {
  return value instanceof Date || (value as { _bsontype?: string })._bsontype !== undefined;
}

const READ_WRITE = new Set(['find', 'getMore', 'insert', 'update', 'delete', 'findAndModify', 'killCursors']);

/** Problems of one command: a command other than find/insert/update/delete, a sort, a non-equality filter. */
export function filterProblems(c: RecordedCommand): string[] {
  const where = `${c.name} ${c.collection ?? ''}`;
  if (!READ_WRITE.has(c.name)) return [`${where}: command not allowed on a hot path`];
  const out: string[] = [];
  const cmd = c.command;
  if (c.name === 'find') {
    if (cmd.sort && Object.keys(cmd.sort as object).length > 0) out.push(`${where}: sort ${JSON.stringify(cmd.sort)}`);
    out.push(...equalityProblems(cmd.filter as Document | undefined).map((p) => `${where}: ${p}`));
  }
  if (c.name === 'findAndModify') {
    if (cmd.sort && Object.keys(cmd.sort as object).length > 0) out.push(`${where}: sort ${JSON.stringify(cmd.sort)}`);
    out.push(...equalityProblems(cmd.query as Document | undefined).map((p) => `${where}: ${p}`));
  }
  if (c.name === 'update') for (const u of cmd.updates as Document[]) out.push(...equalityProblems(u.q as Document).map((p) => `${where}: ${p}`));
  if (c.name === 'delete') for (const d of cmd.deletes as Document[]) out.push(...equalityProblems(d.q as Document).map((p) => `${where}: ${p}`));
  return out;
}

/** What `scanProblems` found: the collections it judged (large enough) and each lookup the server answers by a scan. */
export interface ScanReport {
  judged: string[];
  problems: string[];
}

/**
 * Asks the server itself (`explain`) how it answers each distinct `find` filter of `commands` on a
 * collection of at least `minDocuments` documents (on smaller ones a planner may rightly prefer a
 * scan): a collection scan (MongoDB `COLLSCAN`, FerretDB on PostgreSQL `Seq Scan`) is a problem.
 * A filter that matches more than a tenth of the collection is not judged either: reading most of a
 * table, a scan is the right plan (e.g. read-all's first page of a store not much larger than it).
 */
export async function scanProblems(db: Db, commands: readonly RecordedCommand[], minDocuments: number): Promise<ScanReport> {
  const sizes = new Map<string, number>();
  const judged = new Set<string>();
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of commands) {
    if (c.name !== 'find' || !c.collection) continue;
    const filter = (c.command.filter ?? {}) as Document;
    const key = `${c.collection} ${JSON.stringify(Object.keys(filter))}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!sizes.has(c.collection)) sizes.set(c.collection, await db.collection(c.collection).countDocuments({}));
    const size = sizes.get(c.collection) ?? 0;
    if (size < minDocuments) continue;
    if ((await db.collection(c.collection).countDocuments(filter)) * 10 > size) continue;
    judged.add(c.collection);
    const plan = await db.command({ explain: { find: c.collection, filter }, verbosity: 'queryPlanner' });
    const scans = planNodes(plan).filter((n) => n.stage === 'COLLSCAN' || n['Node Type'] === 'Seq Scan');
    if (scans.length > 0)
      problems.push(`find ${c.collection} ${JSON.stringify(filter)}: answered by a scan (${scans.map((n) => n.stage ?? n['Node Type']).join(', ')})`);
  }
  return { judged: [...judged], problems };
}

function planNodes(value: unknown): Document[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(planNodes);
  const doc = value as Document;
  return [doc, ...Object.values(doc).flatMap(planNodes)];
}
