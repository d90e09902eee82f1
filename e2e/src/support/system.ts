import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, spawnService, uniqueName, uniqueTopicPrefix } from '@fengqiao/testing';

/** The running system a journey talks to: one process (standalone) or one per service (distributed). */
export interface SystemUnderTest {
  mode: 'standalone' | 'distributed';
  authUrl: string;
  intakeUrl: string;
  gridUrl: string;
  /** the mediation service (standalone: the one process; distributed: only with `{ mediation: true }`) */
  mediationUrl: string;
  /** the database name prefix of the distributed services (their stores are `<db>_<context>`) */
  mongoDb?: string;
  /** distributed: the deployment's Kafka topic prefix (KAFKA_TOPIC_PREFIX) */
  topicPrefix?: string;
  /** distributed: the prefix of this run's Kafka topics and groups */
  kafkaTopicPrefix?: string;
  /** kills the process hosting grid-dispatch with SIGKILL and starts it again on the same data */
  killAndRestartGridDispatch(extraEnv?: Record<string, string>): Promise<void>;
  /** restarts gracefully with other settings (e.g. a clock offset) */
  restartGridDispatch(extraEnv: Record<string, string>): Promise<void>;
  /** kills the process hosting mediation with SIGKILL and starts it again on the same data */
  killAndRestartMediation(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
  /** distributed: the analytics service (issuer, audit API, figures) */
  analyticsUrl?: string;
  /** distributed: restarts analytics on the same port (tokens stay valid), with more settings */
  restartAnalytics?(extraEnv: Record<string, string>): Promise<void>;
  /** distributed: the base URL of each service hosting a context, for AUDIT_SOURCES */
  serviceUrls?(): Record<string, string>;
  /** standalone: where the process keeps its files */
  dataDir?: string;
  /** standalone: stops the process and leaves its files for the test to inspect (stop() removes them) */
  stopKeepingData?(): Promise<void>;
  /** standalone: stops the process, runs `between` (e.g. to remove a file), starts it again on the same data */
  restartStandalone?(between: () => void): Promise<void>;
}

/** how long a service may take to start (E2E_START_TIMEOUT_MS on a machine shared with other runs) */
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS ?? 120_000);

const fast = {
  LOG_LEVEL: 'warn',
  GRID_DISPATCH_TIMER_INTERVAL_MS: '300',
  GRID_DISPATCH_PROJECTOR_INTERVAL_MS: '200',
};

export async function startStandalone(extraEnv: Record<string, string> = {}): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-journey-'));
  const env = { ...fast, FENGQIAO_DATA_DIR: dataDir, FENGQIAO_DEMO: 'true', KAFKA_BROKERS: '', MONGO_URL: '', ...extraEnv };
  let proc = await spawnService('standalone', env, { timeoutMs: START_TIMEOUT_MS });
  let log = '';
  const sut: SystemUnderTest = {
    mode: 'standalone',
    get authUrl() {
      return proc.url;
    },
    get intakeUrl() {
      return proc.url;
    },
    get gridUrl() {
      return proc.url;
    },
    get mediationUrl() {
      return proc.url;
    },
    async killAndRestartGridDispatch(extra = {}) {
      log += proc.output();
      await proc.kill();
      proc = await spawnService('standalone', { ...env, ...extra }, { timeoutMs: START_TIMEOUT_MS });
    },
    async killAndRestartMediation() {
      await sut.killAndRestartGridDispatch();
    },
    async restartGridDispatch(extra) {
      log += proc.output();
      await proc.stop();
      proc = await spawnService('standalone', { ...env, ...extra }, { timeoutMs: START_TIMEOUT_MS });
    },
    output: () => log + proc.output(),
    dataDir,
    async stopKeepingData() {
      await proc.stop();
    },
    async restartStandalone(between) {
      log += proc.output();
      await proc.stop();
      between();
      proc = await spawnService('standalone', env, { timeoutMs: 120_000 });
    },
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sut;
}

export async function startDistributed(
  kafkaBrokers: string[],
  mongoUrl: string,
  /** `db`: the database name prefix to use (e.g. one a backup was restored into); default a fresh one; `env`: more settings for every service */
  options: { mediation?: boolean; mediationEnv?: Record<string, string>; db?: string; env?: Record<string, string> } = {},
): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-journey-d-'));
  const db = options.db ?? uniqueName('journey').replace(/[^A-Za-z0-9_]/g, '_');
  const topicPrefix = uniqueTopicPrefix('journey');
  const url = new URL(mongoUrl);
  url.pathname = `/${db}`;
  const common = {
    ...fast,
    FENGQIAO_MODE: 'distributed',
    FENGQIAO_DEMO: 'true',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    MONGO_URL: url.toString(),
    AUTH_ISSUER: 'urn:fengqiao:journey',
    GRID_DISPATCH_SEED_REFERENCE_DATA: 'true',
    ...options.env,
  };
  const analyticsEnv = { ...common, AUTH_BUILTIN_ISSUER: 'true', FENGQIAO_DATA_DIR: dataDir };
  let analytics = await spawnService('analytics', analyticsEnv, { timeoutMs: START_TIMEOUT_MS });
  // the master keys of the subject keys (issue 14): one per context, shared by its replicas
  const verifyEnv = {
    ...common,
    AUTH_JWKS_URL: `${analytics.url}/.well-known/jwks.json`,
    INTAKE_PII_MASTER_KEY: randomBytes(32).toString('base64'),
    GRID_DISPATCH_PII_MASTER_KEY: randomBytes(32).toString('base64'),
    FENGQIAO_DATA_DIR: dataDir,
  };
  const intake = await spawnService('intake', verifyEnv, { timeoutMs: START_TIMEOUT_MS });
  let grid: ServiceProcess = await spawnService('grid-dispatch', verifyEnv, { timeoutMs: START_TIMEOUT_MS });
  // mediation: its parties' master key from the environment, no demo cases (seeded through commands, slow on FerretDB)
  const mediationEnv = {
    ...verifyEnv,
    MEDIATION_PII_MASTER_KEY: randomBytes(32).toString('base64'),
    MEDIATION_SEED_DEMO: 'false',
    FENGQIAO_DATA_DIR: dataDir,
    ...options.mediationEnv,
  };
  let mediation: ServiceProcess | undefined = options.mediation ? await spawnService('mediation', mediationEnv, { timeoutMs: START_TIMEOUT_MS }) : undefined;
  let log = '';
  return {
    mode: 'distributed',
    authUrl: analytics.url,
    intakeUrl: intake.url,
    get gridUrl() {
      return grid.url;
    },
    get mediationUrl() {
      if (!mediation) throw new Error('started without the mediation service');
      return mediation.url;
    },
    mongoDb: db,
    topicPrefix,
    kafkaTopicPrefix: topicPrefix,
    async killAndRestartMediation() {
      if (!mediation) throw new Error('started without the mediation service');
      log += mediation.output();
      await mediation.kill();
      mediation = await spawnService('mediation', mediationEnv, { timeoutMs: START_TIMEOUT_MS });
    },
    get analyticsUrl() {
      return analytics.url;
    },
    async restartAnalytics(extra) {
      log += analytics.output();
      const port = new URL(analytics.url).port;
      await analytics.stop();
      analytics = await spawnService('analytics', { ...analyticsEnv, PORT: port, ...extra }, { timeoutMs: START_TIMEOUT_MS });
    },
    serviceUrls: () => ({ intake: intake.url, 'grid-dispatch': grid.url, ...(mediation ? { mediation: mediation.url } : {}) }),
    async killAndRestartGridDispatch(extra = {}) {
      log += grid.output();
      await grid.kill();
      grid = await spawnService('grid-dispatch', { ...verifyEnv, ...extra }, { timeoutMs: START_TIMEOUT_MS });
    },
    async restartGridDispatch(extra) {
      log += grid.output();
      await grid.stop();
      grid = await spawnService('grid-dispatch', { ...verifyEnv, ...extra }, { timeoutMs: START_TIMEOUT_MS });
    },
    output: () => log + [analytics, intake, grid, ...(mediation ? [mediation] : [])].map((p) => p.output()).join('\n'),
    async stop() {
      await Promise.all([analytics.stop(), intake.stop(), grid.stop(), mediation?.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
