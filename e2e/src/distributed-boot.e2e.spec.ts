import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIntegration, eventually, ServiceProcess, spawnService, uniqueName, uniqueTopicPrefix } from '@fengqiao/testing';

const services = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'] as const;

interface Health {
  status: string;
  info?: Record<string, { status: string; consumed?: Record<string, number> }>;
  error?: Record<string, { status: string; message?: string }>;
}

/**
 * Distributed mode: each deployable is its own OS process with HTTP and a Kafka consumer, and
 * reports Kafka and MongoDB on /health — against the real servers.
 */
describeIntegration('distributed mode: five services boot on real Kafka and MongoDB', ['kafka', 'mongo'], (env) => {
  const procs: ServiceProcess[] = [];
  let mongoUrl: string;
  let dataDir: string;
  let issuerEnv: Record<string, string>;

  beforeAll(async () => {
    const url = new URL(env().mongoUrl);
    url.pathname = `/${uniqueName('boot').replace(/[^A-Za-z0-9_]/g, '_')}`;
    mongoUrl = url.toString();
    dataDir = mkdtempSync(join(tmpdir(), 'fq-boot-'));
    const common = {
      FENGQIAO_MODE: 'distributed',
      KAFKA_BROKERS: env().kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('boot'),
      MONGO_URL: mongoUrl,
      AUTH_ISSUER: 'urn:fengqiao:e2e',
    };
    // analytics hosts the built-in token issuer in distributed mode; the others verify with its key set
    const analytics = await spawnService('analytics', { ...common, AUTH_BUILTIN_ISSUER: 'true', FENGQIAO_DATA_DIR: dataDir });
    procs.push(analytics);
    issuerEnv = { ...common, AUTH_JWKS_URL: `${analytics.url}/.well-known/jwks.json` };
    // sequential: two cores; each boot compiles its imports once
    for (const name of services.filter((s) => s !== 'analytics')) procs.push(await spawnService(name, issuerEnv));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it.each(services)(
    '%s serves /health with Kafka and MongoDB up',
    async (name) => {
      const proc = procs.find((p) => p.name === name)!;
      const health = await eventually(
        async () => {
          const body = (await (await fetch(`${proc.url}/health`)).json()) as Health;
          return body.status === 'ok' ? body : undefined;
        },
        { what: `${name} healthy`, timeoutMs: 30_000 },
      );
      expect(health.info?.kafka?.status).toBe('up');
      expect(health.info?.mongodb?.status).toBe('up');
      expect(health.info?.[name]?.status).toBe('up');
      // the context's own stores are open on MongoDB
      expect(health.info?.[name]).toBeDefined();
      expect((await fetch(`${proc.url}/api/docs-json`)).status).toBe(200);
      // connected to Kafka without a process warning for whoever reads the console (kafkajs's negative timeout)
      expect(proc.output()).not.toMatch(/\(node:\d+\) \w*Warning/);
    },
    60_000,
  );

  it('refuses an API call without a token but serves health', async () => {
    const proc = procs.find((p) => p.name === 'grid-dispatch')!;
    expect((await fetch(`${proc.url}/health`)).status).toBe(200);
    const res = await fetch(`${proc.url}/auth/me`);
    expect([401, 404]).toContain(res.status);
    const issuer = procs.find((p) => p.name === 'analytics')!;
    const keys = (await (await fetch(`${issuer.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(keys.keys.length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses to start with a one-line reason when MongoDB cannot be reached', async () => {
    // fail fast: a supervisor (compose, k8s) restarts it; half a service with no store would lose writes
    const start = spawnService('petitions', { ...issuerEnv, MONGO_URL: 'mongodb://127.0.0.1:1/nothing' }, { timeoutMs: 60_000 });
    await expect(start).rejects.toThrow(
      /exited with 1 before listening[\s\S]*fengqiao petitions: failed to start: MongoServerSelectionError: connect ECONNREFUSED 127\.0\.0\.1:1/,
    );
  }, 90_000);
});
