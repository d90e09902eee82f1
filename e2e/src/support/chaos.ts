import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { demoDistrict, DEMO_PASSWORD } from '@fengqiao/demo';
import { MongoEventStore, type StoredEvent } from '@fengqiao/event-store';
import { contextDatabaseName } from '@fengqiao/platform';
import { LooseJson, ServiceProcess, spawnService, uniqueName, uniqueTopicPrefix, workspaceRoot } from '@fengqiao/testing';

/**
 * The fault campaign (issue 14, deliver 9): the operators' journey (report → file → dispatched
 * through Kafka → accept → feedback → verify → close) runs for many cases in distributed mode while
 * every service is SIGKILLed at random points and restarted on the same port and data, Kafka and
 * FerretDB are restarted once each, and clients retry what failed (so the services see redelivered
 * commands and Kafka redelivers what was not committed). Afterwards it checks, from the stores
 * themselves: every accepted command's events stored once, every integration event taken into effect
 * once, every case in the same state in every read model, nothing dead-lettered.
 */

export type ChaosService = 'analytics' | 'intake' | 'grid-dispatch';
export const CHAOS_SERVICES: readonly ChaosService[] = ['analytics', 'intake', 'grid-dispatch'];

export interface ChaosOptions {
  kafkaBrokers: string[];
  mongoUrl: string;
  /** SIGKILLs of each service */
  killsPerService: number;
  /** journeys (cases) to run */
  cases: number;
  /** journeys in flight at once */
  concurrency: number;
  /** restart the local Kafka and FerretDB once each (deploy/local; only when they are the servers in use) */
  restartServers: boolean;
  /** overall bound: the workload fails when it is not done by then */
  budgetMs: number;
  /** a journey step that has not taken effect after this long is given up and counted as lost (default 180 s) */
  stuckMs?: number;
  /**
   * Where the campaign keeps every service's output (`<service>.<incarnation>.log`: stdout and
   * stderr of each process, a new file after each kill) and its figures (`figures.json`); default
   * tmp/chaos/<start time> in the workspace.
   */
  outDir?: string;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  startedAt: string;
  durationSeconds: number;
  kills: Record<ChaosService, number>;
  serverRestarts: { kafka: number; ferretdb: number; skipped?: string };
  cases: number;
  /** commands the system answered 2xx, plus those whose effect was found after a lost answer */
  acceptedCommands: number;
  /** commands sent again after a failure (connection refused/reset, 5xx, timeout) */
  retriedCommands: number;
  lost: number;
  doubled: number;
  disagreements: number;
  deadLetters: number;
  problems: string[];
  machine: string;
  /** the folder with the services' logs and the figures */
  outDir: string;
}

const fast = { LOG_LEVEL: 'warn', GRID_DISPATCH_TIMER_INTERVAL_MS: '300', GRID_DISPATCH_PROJECTOR_INTERVAL_MS: '200' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

/** The grid-dispatch events one full journey leaves, in order: each exactly once. */
export const JOURNEY_GRID_EVENTS = ['WorkOrderOpened', 'CaseDispatched', 'DispatchAccepted', 'FeedbackSubmitted', 'CaseVerified', 'CaseClosed'];
/** The intake events one journey leaves in the case's report stream: each exactly once. */
export const JOURNEY_INTAKE_EVENTS = ['CaseReported', 'CaseFiled'];

/** A journey step that never took effect: counted as lost, the journey ends there, the campaign goes on. */
class Stuck extends Error {}

/** What one journey's accepted commands must have left in the stores, each event type exactly once. */
export interface Expectation {
  caseId: string;
  grid: string[];
  intake: string[];
  /** the journey ended early (a step never took effect) */
  stuck: boolean;
}

/** A service process that can be killed and comes back on the same port with the same settings. */
class Supervised {
  private proc!: ServiceProcess;
  private port = '0';
  private log = '';
  /** processes started so far (each start, the failed ones too, writes its own log file) */
  private incarnation = 0;
  kills = 0;
  down = false;
  constructor(
    readonly name: ChaosService,
    private readonly env: () => Record<string, string>,
    private readonly outDir: string,
  ) {}
  get url(): string {
    return this.proc.url;
  }
  async start(): Promise<void> {
    const logFile = join(this.outDir, `${this.name}.${++this.incarnation}.log`);
    this.proc = await spawnService(this.name, { ...this.env(), PORT: this.port }, { timeoutMs: 180_000, logFile });
    this.port = new URL(this.proc.url).port;
  }
  /** The lines of every incarnation's output that mention `text` (the last `max`), each with its incarnation. */
  linesAbout(text: string, max = 20): string[] {
    const lines: string[] = [];
    for (let i = 1; i <= this.incarnation; i++) {
      const file = join(this.outDir, `${this.name}.${i}.log`);
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes(text)) lines.push(`${this.name}#${i}: ${line.trim().slice(0, 400)}`);
    }
    return lines.slice(-max);
  }
  async kill(): Promise<void> {
    this.down = true;
    this.log += this.proc.output();
    await this.proc.kill();
    this.kills++;
    // the port may still be held for a moment by the dying process's sockets: retry the start
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start();
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(1000);
      }
    }
    this.down = false;
  }
  output(): string {
    return this.log + this.proc.output();
  }
  stop(): Promise<number | null> {
    return this.proc.stop();
  }
}

interface Reply {
  status: number;
  body: LooseJson;
}

/** HTTP that never throws: a refused or reset connection is status 0. */
async function http(method: 'GET' | 'POST', url: string, token: string | undefined, body?: unknown): Promise<Reply> {
  try {
    const res = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: LooseJson = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy's error page): keep the text
    }
    return { status: res.status, body: parsed };
  } catch (error) {
    return { status: 0, body: String((error as Error).message) };
  }
}

/** Which local servers are the ones in use, read from deploy/local's state (never guessed). */
function localServerPorts(kafkaBrokers: string[], mongoUrl: string): { kafka?: [string, string]; ferretdb?: [string, string]; why?: string } {
  const dir = process.env.FENGQIAO_LOCAL_DIR ?? join(workspaceRoot, '.local-servers');
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim().split(/\s+/) : undefined);
  const k = read('kafka/kafka.ports');
  const f = read('ferretdb/ferretdb.port');
  const brokerPort = kafkaBrokers[0]?.split(':')[1];
  const mongoPort = new URL(mongoUrl).port || '27017';
  const out: { kafka?: [string, string]; ferretdb?: [string, string]; why?: string } = {};
  if (k && k[0] === brokerPort && k[1]) out.kafka = [k[0], k[1]];
  if (f && f[0] === mongoPort && f[1]) out.ferretdb = [f[0], f[1]];
  if (!out.kafka || !out.ferretdb) out.why = `the servers in use are not deploy/local's in ${dir}`;
  return out;
}

function restartLocal(script: 'kafka.sh' | 'ferretdb.sh', env: Record<string, string>): void {
  execFileSync('bash', [join(workspaceRoot, 'deploy', 'local', script), 'restart'], { env: { ...process.env, ...env }, stdio: 'pipe', timeout: 300_000 });
}

export function machineLine(): string {
  const model = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  return `${model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} at the end, Node ${process.version}`;
}

export async function runChaosCampaign(o: ChaosOptions): Promise<ChaosFigures> {
  const log = o.log ?? (() => undefined);
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-chaos-'));
  const outDir = o.outDir ?? join(workspaceRoot, 'tmp', 'chaos', startedAt.replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  log(`services' logs and figures in ${outDir}`);
  const db = uniqueName('chaos').replace(/[^A-Za-z0-9_]/g, '_');
  const url = new URL(o.mongoUrl);
  url.pathname = `/${db}`;
  const prefix = uniqueTopicPrefix('chaos');
  const common = {
    ...fast,
    FENGQIAO_MODE: 'distributed',
    FENGQIAO_DEMO: 'true',
    KAFKA_BROKERS: o.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    MONGO_URL: url.toString(),
    AUTH_ISSUER: 'urn:fengqiao:chaos',
    GRID_DISPATCH_SEED_REFERENCE_DATA: 'true',
  };
  const services = new Map<ChaosService, Supervised>();
  const analytics = new Supervised('analytics', () => ({ ...common, AUTH_BUILTIN_ISSUER: 'true', FENGQIAO_DATA_DIR: dataDir }), outDir);
  services.set('analytics', analytics);
  const verifyEnv = () => ({ ...common, AUTH_JWKS_URL: `${analytics.url}/.well-known/jwks.json` });
  services.set('intake', new Supervised('intake', verifyEnv, outDir));
  // grid-dispatch logs what its work-order consumer did with each case (dispatched / unroutable)
  services.set('grid-dispatch', new Supervised('grid-dispatch', () => ({ ...verifyEnv(), LOG_LEVEL: 'info' }), outDir));
  const problems: string[] = [];
  const figures: ChaosFigures = {
    startedAt,
    durationSeconds: 0,
    kills: { analytics: 0, intake: 0, 'grid-dispatch': 0 },
    serverRestarts: { kafka: 0, ferretdb: 0 },
    cases: 0,
    acceptedCommands: 0,
    retriedCommands: 0,
    lost: 0,
    doubled: 0,
    disagreements: 0,
    deadLetters: 0,
    problems,
    machine: '',
    outDir,
  };
  const deadline = t0 + o.budgetMs;

  try {
    for (const s of services.values()) {
      log(`starting ${s.name}`);
      await s.start();
    }
    const intake = services.get('intake')!;
    const grid = services.get('grid-dispatch')!;

    // tokens from the issuer (analytics); they stay valid across its restarts (same key, same data dir)
    const tokens = new Map<string, string>();
    const token = async (user: string): Promise<string> => {
      for (;;) {
        const cached = tokens.get(user);
        if (cached) return cached;
        const r = await http('POST', `${analytics.url}/auth/login`, undefined, { username: user, password: DEMO_PASSWORD });
        if (r.status === 200) tokens.set(user, r.body.accessToken);
        else await sleep(500);
        if (Date.now() > deadline) throw new Error(`login of ${user} failed until the deadline: ${r.status}`);
      }
    };

    // a read as `user`: an access token that expired meanwhile (401; they live 5 minutes) is replaced and
    // the read sent again (reads that kept an expired token made dispatched cases look lost)
    const read = async (url: string, user: string): Promise<Reply> => {
      const r = await http('GET', url, await token(user));
      if (r.status !== 401) return r;
      tokens.delete(user);
      return http('GET', url, await token(user));
    };
    const gridCase = async (caseId: string): Promise<LooseJson | undefined> => {
      const r = await read(`${grid.url}/grid-dispatch/cases/${caseId}`, 'op.v-1-1');
      return r.status === 200 ? r.body : undefined;
    };
    const gridTypes = async (caseId: string): Promise<string[] | undefined> => (await gridCase(caseId))?.timeline?.map((t: LooseJson) => t.type);

    /**
     * Sends a command until it takes effect: a 2xx is accepted; after a failure whose outcome is
     * unknown (no answer, 5xx) the effect is looked up before sending again, so a command is never
     * applied twice on purpose: if the store holds its event twice, the system doubled it.
     */
    const stuckMs = o.stuckMs ?? 180_000;
    const command = async (what: string, send: () => Promise<Reply>, done: () => Promise<boolean>): Promise<LooseJson> => {
      let sent = 0;
      const giveUp = Date.now() + stuckMs;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`${what}: not accepted before the campaign's deadline`);
        if (Date.now() > giveUp) throw new Stuck(`${what}: no effect after ${Math.round(stuckMs / 1000)} s of retries`);
        if (sent > 0 && (await done().catch(() => false))) {
          figures.acceptedCommands++;
          return undefined;
        }
        const r = await send();
        sent++;
        if (r.status >= 200 && r.status < 300) {
          figures.acceptedCommands++;
          return r.body;
        }
        if (r.status === 401) tokens.clear();
        if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 404 && r.status !== 409 && r.status !== 429) {
          throw new Error(`${what}: refused ${r.status} ${JSON.stringify(r.body)}`);
        }
        figures.retriedCommands++;
        await sleep(random(200, 800));
      }
    };

    const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
    const expectations: Expectation[] = [];
    const journey = async (n: number): Promise<void> => {
      let x: Expectation | undefined;
      try {
        await journeySteps(n, (e) => (x = e));
        figures.cases++;
      } catch (error) {
        if (!(error instanceof Stuck)) throw error;
        figures.lost++;
        if (x) x.stuck = true;
        // what the services said about it, to tell where it stopped (the full logs are in outDir)
        const said = x ? [...services.values()].flatMap((s) => s.linesAbout(x!.caseId)) : [];
        problems.push([`${x?.caseId ?? `report #${n}`}: stopped at ${error.message}`, ...said].join('\n'));
        log(`lost: ${x?.caseId ?? `report #${n}`} stopped at ${error.message}${said.map((l) => `\n  ${l}`).join('')}`);
      }
    };
    const journeySteps = async (n: number, track: (e: Expectation) => void): Promise<void> => {
      const reported = await command(
        `report #${n}`,
        async () =>
          http('POST', `${intake.url}/intake/cases`, await token('gw.g-1-1-1'), {
            channel: 'grid_worker',
            category: 'illegal_parking',
            description: `故障演练 第${n}件 消防通道被占用`,
            location: { point: { lat, lng: lon } },
            urgency: 'urgent',
          }),
        // a report whose answer was lost cannot be found again by the client: it is sent again, and the
        // first one stays a reported case of its own (counted by the store checks, not by this journey)
        async () => false,
      );
      const caseId = reported.caseId as string;
      const x: Expectation = { caseId, grid: [], intake: ['CaseReported'], stuck: false };
      expectations.push(x);
      track(x);
      const intakeStatus = async () => (await read(`${intake.url}/intake/cases/${caseId}`, 'op.v-1-1')).body?.status;
      await command(
        `file ${caseId}`,
        async () => http('POST', `${intake.url}/intake/cases/${caseId}/file`, await token('op.v-1-1'), { level: 'village' }),
        async () => (await intakeStatus()) === 'filed',
      );
      x.intake.push('CaseFiled');
      x.grid.push('WorkOrderOpened', 'CaseDispatched');
      // dispatched through Kafka (intake's relay → grid-dispatch's consumer and inbox)
      for (const giveUp = Date.now() + stuckMs; ;) {
        const t = await gridTypes(caseId);
        if (t?.includes('CaseDispatched')) break;
        if (Date.now() > deadline) throw new Error(`${caseId}: never dispatched`);
        if (Date.now() > giveUp) {
          // counted here as the lost dispatch; the store check then expects only what is there
          x.grid = x.grid.filter((e) => t?.includes(e));
          throw new Stuck(`filed, but not dispatched after ${Math.round(stuckMs / 1000)} s (grid-dispatch shows ${t?.join(', ') ?? 'no work order'})`);
        }
        await sleep(300);
      }
      const step = async (user: string, path: string, body: unknown, type: string) => {
        await command(
          `${path} ${caseId}`,
          async () => http('POST', `${grid.url}/grid-dispatch/cases/${caseId}/${path}`, await token(user), body),
          async () => (await gridTypes(caseId))?.includes(type) ?? false,
        );
        x.grid.push(type);
      };
      await step('dept.d-cg', 'accept', {}, 'DispatchAccepted');
      await step('dept.d-cg', 'feedback', { result: '已清理' }, 'FeedbackSubmitted');
      await step('op.v-1-1', 'verify', { result: 'pass', findings: '通道畅通' }, 'CaseVerified');
      await step('op.v-1-1', 'close', { summary: '完成' }, 'CaseClosed');
    };

    // the workload: `concurrency` journeys in flight until `cases` are done
    let next = 0;
    let workloadDone = false;
    let faultsDone = false;
    // at least `cases` journeys, and journeys keep starting until every fault is in
    const workers = Array.from({ length: o.concurrency }, async () => {
      while (next < o.cases || !faultsDone) await journey(++next);
    });
    const workload = Promise.all(workers).finally(() => (workloadDone = true));

    // the faults, one at a time at random points while the workload runs: every service killed
    // killsPerService times, Kafka and FerretDB restarted once each
    const servers = localServerPorts(o.kafkaBrokers, o.mongoUrl);
    type Fault = ChaosService | 'kafka' | 'ferretdb';
    const faults: Fault[] = CHAOS_SERVICES.flatMap((s) => Array.from({ length: o.killsPerService }, () => s));
    if (o.restartServers && servers.kafka && servers.ferretdb) faults.push('kafka', 'ferretdb');
    else figures.serverRestarts.skipped = o.restartServers ? servers.why : 'not asked for';
    for (let i = faults.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [faults[i], faults[j]] = [faults[j], faults[i]];
    }
    const chaos = (async () => {
      for (const fault of faults) {
        // a random point: between 0.2 and 3 s after the system came back from the last fault
        await sleep(random(200, 3000));
        if (Date.now() > deadline) throw new Error('faults not all injected before the deadline');
        if (fault === 'kafka') {
          log('restarting Kafka');
          restartLocal('kafka.sh', { KAFKA_PORT: servers.kafka![0], KAFKA_CONTROLLER_PORT: servers.kafka![1] });
          figures.serverRestarts.kafka++;
        } else if (fault === 'ferretdb') {
          log('restarting FerretDB');
          restartLocal('ferretdb.sh', { FERRETDB_PORT: servers.ferretdb![0], POSTGRES_PORT: servers.ferretdb![1] });
          figures.serverRestarts.ferretdb++;
        } else {
          const s = services.get(fault)!;
          log(`SIGKILL ${fault} (#${s.kills + 1})`);
          await s.kill();
          figures.kills[fault] = s.kills;
        }
      }
    })().finally(() => (faultsDone = true));
    // the workload must not finish before the faults are all in: it keeps going with more cases
    await chaos;
    await workload;
    if (!workloadDone) throw new Error('workload not done');
    log(`workload done: ${figures.cases} journeys, ${figures.acceptedCommands} commands accepted, ${figures.retriedCommands} retried`);

    // let the consumers catch up (intake's and analytics' views of grid-dispatch's events)
    const settled = async (check: () => Promise<string[]>): Promise<string[]> => {
      let last: string[] = [];
      for (;;) {
        last = await check();
        if (last.length === 0 || Date.now() > deadline + 60_000) return last;
        await sleep(500);
      }
    };

    // 1. every accepted command's events stored once (the grid-dispatch and intake stores, read directly)
    const gridStore = await MongoEventStore.connect(o.mongoUrl, contextDatabaseName(`mongodb://x/${db}`, 'grid-dispatch'));
    const intakeStore = await MongoEventStore.connect(o.mongoUrl, contextDatabaseName(`mongodb://x/${db}`, 'intake'));
    const readAll = async (store: MongoEventStore): Promise<StoredEvent[]> => {
      const all: StoredEvent[] = [];
      for (let after = 0; ;) {
        const page = await store.readAll({ afterPosition: after, maxCount: 1000 });
        if (page.length === 0) return all;
        all.push(...page);
        after = page[page.length - 1].globalPosition;
      }
    };
    try {
      const checked = storeProblems(await readAll(gridStore), await readAll(intakeStore), expectations);
      figures.lost += checked.lost;
      figures.doubled += checked.doubled;
      problems.push(...checked.problems);
    } finally {
      await gridStore.close();
      await intakeStore.close();
    }

    // 2. every integration event taken into effect once, 3. the same state in every read model
    // (analytics' board is the district's: read as op.d)
    const stateProblems = await settled(async () => {
      const out: string[] = [];
      for (const { caseId, grid: expected, stuck } of expectations) {
        const g = await gridCase(caseId);
        const i = (await read(`${intake.url}/intake/cases/${caseId}`, 'op.v-1-1')).body;
        const a = (await read(`${analytics.url}/analytics/cases/${caseId}`, 'op.d')).body;
        const gTypes: string[] = (g?.timeline?.map((t: LooseJson) => t.type) ?? []).filter((t: string) => JOURNEY_GRID_EVENTS.includes(t));
        if (JSON.stringify(gTypes) !== JSON.stringify(expected))
          out.push(`${caseId}: grid-dispatch's view shows ${gTypes.join(', ')}, expected ${expected.join(', ')}`);
        // a stuck journey's case must still look the same in every read model
        const agree = i?.dispatch?.status === g?.status && a?.status === g?.status;
        if (!agree || (!stuck && (g?.status !== 'closed' || a?.closed !== true || a?.filed !== true || i?.status !== 'filed'))) {
          out.push(
            `${caseId}: grid-dispatch ${g?.status}, intake ${i?.status}/${i?.dispatch?.status}, analytics ${a?.status} (filed ${a?.filed}, closed ${a?.closed})`,
          );
        }
      }
      return out;
    });
    figures.disagreements = stateProblems.length;
    problems.push(...stateProblems);

    // taken into effect once, in the read models' own bookkeeping: analytics' facts list each applied event id once
    const client = await MongoClient.connect(o.mongoUrl);
    try {
      const facts = await client
        .db(contextDatabaseName(`mongodb://x/${db}`, 'analytics'))
        .listCollections({}, { nameOnly: true })
        .toArray();
      for (const c of facts) {
        const docs = await client
          .db(contextDatabaseName(`mongodb://x/${db}`, 'analytics'))
          .collection(c.name)
          .find({ applied: { $exists: true } })
          .toArray();
        for (const d of docs) {
          const applied = (d.applied ?? []) as string[];
          if (new Set(applied).size !== applied.length) {
            figures.doubled++;
            problems.push(`analytics ${c.name} ${String(d._id)}: an event applied twice`);
          }
        }
      }
    } finally {
      await client.close();
    }

    // 4. no dead letter on any of this deployment's topics
    const kafka = new Kafka({ clientId: 'chaos-check', brokers: o.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of (await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.endsWith('.dlq'))) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const n = offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
        if (n > 0) problems.push(`${topic}: ${n} dead letters`);
        figures.deadLetters += n;
      }
    } finally {
      await admin.disconnect();
    }
  } catch (error) {
    problems.push(`campaign failed: ${(error as Error).message}`);
    for (const s of services.values()) {
      try {
        problems.push(`--- ${s.name} output (last lines)\n${s.output().split('\n').slice(-30).join('\n')}`);
      } catch {
        // never started
      }
    }
  } finally {
    await Promise.all([...services.values()].map((s) => s.stop().catch(() => null)));
    rmSync(dataDir, { recursive: true, force: true });
    figures.durationSeconds = Math.round((Date.now() - t0) / 1000);
    figures.machine = machineLine();
    writeFileSync(join(outDir, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  }
  return figures;
}

type EventLike = Pick<StoredEvent, 'id' | 'type' | 'streamId'>;

/**
 * The stores' side of the campaign's checks: no event id twice in a store, and each journey case's
 * streams hold each journey event exactly once (missing = lost, more = doubled).
 */
export function storeProblems(
  gridEvents: readonly EventLike[],
  intakeEvents: readonly EventLike[],
  expectations: readonly Pick<Expectation, 'caseId' | 'grid' | 'intake'>[],
): { lost: number; doubled: number; problems: string[] } {
  let lost = 0;
  let doubled = 0;
  const problems: string[] = [];
  for (const [name, events] of [
    ['grid-dispatch', gridEvents],
    ['intake', intakeEvents],
  ] as const) {
    const ids = new Set<string>();
    for (const e of events) {
      if (ids.has(e.id)) {
        doubled++;
        problems.push(`${name}: event ${e.id} (${e.type}) stored twice`);
      }
      ids.add(e.id);
    }
  }
  const count = (events: readonly EventLike[], streamId: string, type: string) => events.filter((e) => e.streamId === streamId && e.type === type).length;
  for (const x of expectations) {
    for (const [store, events, streamId, all, expected] of [
      ['grid-dispatch', gridEvents, `grid-case-${x.caseId}`, JOURNEY_GRID_EVENTS, x.grid],
      ['intake', intakeEvents, `grid-case-report-${x.caseId}`, JOURNEY_INTAKE_EVENTS, x.intake],
    ] as const) {
      for (const type of all) {
        const n = count(events, streamId, type);
        const want = expected.includes(type) ? 1 : 0;
        if (n < want) {
          lost++;
          problems.push(`${x.caseId}: ${type} missing in ${store}'s store`);
        } else if (n > 1) {
          // (once where no accepted command asked for it is no fault: a command given up on may still have taken effect)
          doubled++;
          problems.push(`${x.caseId}: ${type} stored ${n} times in ${store}'s store`);
        }
      }
    }
  }
  return { lost, doubled, problems };
}

/** RELIABILITY.md's figures section from one campaign. */
export function renderReliability(f: ChaosFigures, mode: string): string {
  const kills = CHAOS_SERVICES.map((s) => `${s} ${f.kills[s]}`).join(', ');
  return [
    `<!-- chaos:start (written by npm run chaos) -->`,
    `Campaign of ${f.startedAt} (${mode}), ${f.durationSeconds} s on ${f.machine}.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| SIGKILLs | ${CHAOS_SERVICES.reduce((n, s) => n + f.kills[s], 0)} (${kills}) |`,
    `| server restarts | Kafka ${f.serverRestarts.kafka}, FerretDB ${f.serverRestarts.ferretdb}${f.serverRestarts.skipped ? ` (skipped: ${f.serverRestarts.skipped})` : ''} |`,
    `| journeys completed | ${f.cases} |`,
    `| commands accepted | ${f.acceptedCommands} (${f.retriedCommands} sent again after a failure) |`,
    `| lost | ${f.lost} |`,
    `| doubled | ${f.doubled} |`,
    `| read models disagreeing | ${f.disagreements} |`,
    `| dead letters | ${f.deadLetters} |`,
    ...(f.problems.length ? ['', 'Problems:', '', ...f.problems.map((p) => `- ${p.split('\n')[0]}`)] : []),
    `<!-- chaos:end -->`,
  ].join('\n');
}
