import { describeIntegration, eventually, ServiceProcess, spawnService, uniqueName } from '@fengqiao/testing';

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

  beforeAll(async () => {
    const url = new URL(env().mongoUrl);
    url.pathname = `/${uniqueName('boot').replace(/[^A-Za-z0-9_]/g, '_')}`;
    mongoUrl = url.toString();
    // sequential: two cores; each boot compiles its imports once
    for (const name of services) {
      procs.push(await spawnService(name, { FENGQIAO_MODE: 'distributed', KAFKA_BROKERS: env().kafkaBrokers.join(','), MONGO_URL: mongoUrl }));
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
  }, 60_000);

  it.each(services)('%s serves /health with Kafka and MongoDB up', async (name) => {
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
  }, 60_000);

  it('reports MongoDB down when it is told a wrong address, instead of crashing', async () => {
    const broken = await spawnService('analytics', {
      FENGQIAO_MODE: 'distributed',
      KAFKA_BROKERS: env().kafkaBrokers.join(','),
      MONGO_URL: 'mongodb://127.0.0.1:1/nothing',
    });
    try {
      const res = await fetch(`${broken.url}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Health;
      expect(body.error?.mongodb?.status).toBe('down');
      expect(body.info?.kafka?.status).toBe('up');
    } finally {
      await broken.stop();
    }
  }, 90_000);
});
