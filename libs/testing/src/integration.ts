/**
 * Integration suites against real servers. Endpoints are found once per jest run by
 * jest.global-setup.js (explicit env → deploy/local servers → testcontainers). A suite whose
 * server is missing is skipped with the reason in its title, or fails when CI is set: under CI an
 * integration test must run, never skip silently. KurrentDB is the one exception: no server can be
 * installed on our machines, so its suites skip (with the reason) unless an endpoint or Docker exists.
 */
/** `python`: a Python with tools/interop/requirements.txt (another language's CloudEvents SDK, kafka-python, pymongo), for the interop tests */
export type ServerKind = 'kafka' | 'mongo' | 'kurrentdb' | 'python';

export interface Endpoints {
  kafkaBrokers: string[];
  mongoUrl: string;
  kurrentdbUrl: string;
  /** the interpreter of the interop virtualenv */
  python: string;
}

const envName: Record<ServerKind, string> = {
  kafka: 'KAFKA_BROKERS',
  mongo: 'MONGO_URL',
  kurrentdb: 'KURRENTDB_URL',
  python: 'INTEROP_PYTHON',
};

/** Servers that CI must provide; a missing one fails the run there. */
const requiredInCi: ReadonlySet<ServerKind> = new Set<ServerKind>(['kafka', 'mongo', 'python']);

export function missingReason(kind: ServerKind): string | undefined {
  if (process.env[envName[kind]]) return undefined;
  return process.env[`FENGQIAO_NO_${kind.toUpperCase()}`] ?? `${envName[kind]} is not set`;
}

export function endpoints(): Endpoints {
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
    mongoUrl: process.env.MONGO_URL ?? '',
    kurrentdbUrl: process.env.KURRENTDB_URL ?? '',
    python: process.env.INTEROP_PYTHON ?? '',
  };
}

export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `describe` for a suite that needs real servers. The body receives a getter for the endpoints
 * (call it inside hooks and tests).
 */
export function describeIntegration(name: string, needs: readonly ServerKind[], body: (env: () => Endpoints) => void): void {
  const missing = needs.map((k) => [k, missingReason(k)] as const).filter(([, r]) => r !== undefined);
  if (missing.length === 0) {
    describe(name, () => body(endpoints));
    return;
  }
  const reason = missing.map(([, r]) => r).join('; ');
  const mustRun = isCi() && missing.some(([k]) => requiredInCi.has(k));
  if (mustRun) {
    describe(name, () => {
      it('has the real servers it needs (CI=true)', () => {
        throw new Error(`CI=true and a server is missing: ${reason}`);
      });
    });
    return;
  }
  // Visible in the test report and in the log: the title carries the reason.
  process.stderr.write(`[fengqiao] skipping "${name}": ${reason}\n`);
  describe.skip(`${name} — skipped: ${reason}`, () => body(endpoints));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A KAFKA_TOPIC_PREFIX unique to one test deployment: test runs (and suites running side by side)
 * on one broker never share a topic or a consumer group.
 */
export function uniqueTopicPrefix(label: string): string {
  return uniqueName(label)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, 40);
}

/** A name unique to this test run, for topics, groups, databases and streams. */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** `uniqueName` as Kafka accepts it for a topic, group or client id (lower case; other characters as `-`). */
export function uniqueKafkaName(prefix: string): string {
  return uniqueName(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '-');
}

/**
 * The parsed body of an HTTP response in test assertions, which read arbitrary JSON and let
 * `expect` do the checking.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions over arbitrary JSON
export type LooseJson = any;

export async function jsonOf(res: Response): Promise<LooseJson> {
  return res.json();
}
