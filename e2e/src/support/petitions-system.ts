import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, spawnService, uniqueName, uniqueTopicPrefix } from '@fengqiao/testing';

/** The system the petition journeys talk to: one process (standalone) or a process per service (distributed). */
export interface PetitionsSystem {
  mode: 'standalone' | 'distributed';
  authUrl: string;
  intakeUrl: string;
  gridUrl: string;
  petitionsUrl: string;
  /** kills the process hosting petitions with SIGKILL and starts it again on the same data */
  killAndRestartPetitions(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

const fast = {
  LOG_LEVEL: 'warn',
  GRID_DISPATCH_TIMER_INTERVAL_MS: '300',
  GRID_DISPATCH_PROJECTOR_INTERVAL_MS: '200',
  PETITIONS_TIMER_INTERVAL_MS: '500',
  PETITIONS_VIEW_INTERVAL_MS: '200',
  PETITIONS_POW_BITS: '8',
  // The national calendar data ends with 2026 (provisional years are being added elsewhere): a
  // 60-day clock started in December 2026 cannot be computed yet, so the petitions context runs
  // 120 days behind the wall clock in these journeys.
  PETITIONS_CLOCK_OFFSET_MS: String(-120 * 86_400_000),
};

export async function startPetitionsStandalone(): Promise<PetitionsSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-petitions-journey-'));
  const env = { ...fast, FENGQIAO_DATA_DIR: dataDir, FENGQIAO_DEMO: 'true', KAFKA_BROKERS: '', MONGO_URL: '' };
  let proc = await spawnService('standalone', env, { timeoutMs: 120_000 });
  let log = '';
  return {
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
    get petitionsUrl() {
      return proc.url;
    },
    async killAndRestartPetitions() {
      log += proc.output();
      await proc.kill();
      proc = await spawnService('standalone', env, { timeoutMs: 120_000 });
    },
    output: () => log + proc.output(),
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startPetitionsDistributed(kafkaBrokers: string[], mongoUrl: string): Promise<PetitionsSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-petitions-journey-d-'));
  const url = new URL(mongoUrl);
  url.pathname = `/${uniqueName('pjourney').replace(/[^A-Za-z0-9_]/g, '_')}`;
  const common = {
    ...fast,
    FENGQIAO_MODE: 'distributed',
    FENGQIAO_DEMO: 'true',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('pjourney'),
    MONGO_URL: url.toString(),
    AUTH_ISSUER: 'urn:fengqiao:petitions-journey',
    GRID_DISPATCH_SEED_REFERENCE_DATA: 'true',
    // every user of the journeys logs in from this one address, again after each kill: more than the default 10 a minute
    RATE_LIMIT_LOGIN_PER_MINUTE: '30',
  };
  const analytics = await spawnService('analytics', { ...common, AUTH_BUILTIN_ISSUER: 'true', FENGQIAO_DATA_DIR: dataDir }, { timeoutMs: 120_000 });
  const verifyEnv = { ...common, AUTH_JWKS_URL: `${analytics.url}/.well-known/jwks.json` };
  const [intake, grid] = await Promise.all([
    spawnService('intake', verifyEnv, { timeoutMs: 120_000 }),
    spawnService('grid-dispatch', verifyEnv, { timeoutMs: 120_000 }),
  ]);
  let petitions: ServiceProcess = await spawnService('petitions', verifyEnv, { timeoutMs: 120_000 });
  let log = '';
  return {
    mode: 'distributed',
    authUrl: analytics.url,
    intakeUrl: intake.url,
    gridUrl: grid.url,
    get petitionsUrl() {
      return petitions.url;
    },
    async killAndRestartPetitions() {
      log += petitions.output();
      await petitions.kill();
      petitions = await spawnService('petitions', verifyEnv, { timeoutMs: 120_000 });
    },
    output: () => log + [analytics, intake, grid, petitions].map((p) => p.output()).join('\n'),
    async stop() {
      await Promise.all([analytics.stop(), intake.stop(), grid.stop(), petitions.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
