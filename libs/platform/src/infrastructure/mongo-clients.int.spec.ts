/**
 * A service's MongoDB clients must find the server again after it closed every connection at once,
 * as FerretDB does when it restarts (issue 14's fault campaign: one client of grid-dispatch stayed
 * without a server for good after a FerretDB restart).
 *
 * The restart is played by a TCP proxy in front of the real FerretDB/MongoDB of MONGO_URL: it holds
 * the answers for 100 ms (operations in flight, as under load), then ends every connection in the
 * order they were opened, the monitor's first, as a server going down does. With the driver's
 * default heartbeat options the client is stuck in about 3 rounds out of 4 (its monitor checks on
 * demand on a socket already destroyed and waits forever); with MONGO_CLIENT_OPTIONS never.
 */
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { describeIntegration } from '@fengqiao/testing';
import { MONGO_CLIENT_OPTIONS, MongoWatchLogger, openMongoClient, StuckCheck, watchMongoClient } from './mongo-clients';

class RestartingProxy {
  private readonly links: { down: net.Socket; up: net.Socket }[] = [];
  private hold = false;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async to(host: string, port: number): Promise<RestartingProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new RestartingProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (down) => {
      const up = net.connect(port, host);
      proxy.links.push({ down, up });
      down.on('data', (d) => up.write(d));
      up.on('data', (d) => {
        if (!proxy.hold) down.write(d);
      });
      const drop = () => {
        down.destroy();
        up.destroy();
      };
      down.on('error', drop);
      up.on('error', drop);
      down.on('close', () => up.destroy());
      up.on('close', () => down.end());
    });
    return proxy;
  }

  /** the server "restarts": answers held for 100 ms, then every connection ended (FIN), oldest first */
  async restart(): Promise<void> {
    this.hold = true;
    await new Promise((r) => setTimeout(r, 100));
    const open = this.links.splice(0);
    for (const l of open) l.down.end();
    for (const l of open) l.up.destroy();
    this.hold = false;
  }

  /** answers held (true) or passed on again (false; what was held is lost, as in a network cut) */
  holdAnswers(on: boolean): void {
    this.hold = on;
  }

  async close(): Promise<void> {
    for (const l of this.links.splice(0)) l.down.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

interface Line {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}
function capture(): { logger: MongoWatchLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Operations in a loop until stopped; the time of the last success. */
function keepBusy(client: MongoClient, collection: string): { lastOk: () => number; stop: () => Promise<void> } {
  let stopped = false;
  let lastOk = 0;
  const loops = Array.from({ length: 4 }, async () => {
    while (!stopped) {
      try {
        await client
          .db('fq_mongo_clients')
          .collection(collection)
          .findOne({ _id: 'none' as never });
        lastOk = Date.now();
      } catch {
        // failing while the server is away is expected; the test looks at recovery
      }
      await sleep(5);
    }
  });
  return {
    lastOk: () => lastOk,
    stop: async () => {
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(loops), new Promise((r) => (timer = setTimeout(r, 12_000)))]);
      clearTimeout(timer);
    },
  };
}

describeIntegration('MongoDB clients across a server restart', ['mongo'], (env) => {
  const target = () => new URL(env().mongoUrl.replace(/^mongodb(\+srv)?:/, 'http:'));

  it('find the server again within seconds after it closed every connection at once (4 restarts)', async () => {
    const recoveredAfterMs: number[] = [];
    const stuck: StuckCheck[] = [];
    for (let round = 0; round < 4; round++) {
      const proxy = await RestartingProxy.to(target().hostname, Number(target().port || 27017));
      const { logger, lines } = capture();
      const client = await openMongoClient(`mongodb://127.0.0.1:${proxy.port}/`, 'restart test', {
        logger,
        onStuck: (s) => stuck.push(s),
        stuckAfterMs: 30_000,
      });
      const busy = keepBusy(client, `round${round}`);
      try {
        await sleep(300 + Math.random() * 300);
        await proxy.restart();
        const restartedAt = Date.now();
        while (busy.lastOk() < restartedAt && Date.now() - restartedAt < 15_000) await sleep(100);
        expect({ round, recovered: busy.lastOk() >= restartedAt }).toEqual({ round, recovered: true });
        recoveredAfterMs.push(busy.lastOk() - restartedAt);

        // each transition logged once, at warn, naming the client
        const warned = lines.filter((l) => l.level === 'warn');
        expect(warned.every((l) => l.obj.mongoClient === 'restart test')).toBe(true);
        const count = (text: string) => warned.filter((l) => l.msg.includes(text)).length;
        expect(count('Standalone → Unknown')).toBe(1);
        expect(count('Unknown → Standalone')).toBe(1);
        expect(count('connection pool cleared')).toBe(1);
        expect(count('connection pool ready again')).toBe(1);
      } finally {
        await busy.stop();
        await client.close(true);
        await proxy.close();
      }
    }
    expect(stuck).toEqual([]);
    // the heartbeat runs every 2 s and on-demand checks wait for 3 s since the last one
    expect(Math.max(...recoveredAfterMs)).toBeLessThan(8_000);
  }, 120_000);

  it('reports a connection held by one operation for longer than a check may run', async () => {
    const proxy = await RestartingProxy.to(target().hostname, Number(target().port || 27017));
    const { logger, lines } = capture();
    const client = await openMongoClient(`mongodb://127.0.0.1:${proxy.port}/`, 'held test', {
      logger,
      stuckAfterMs: 1_000,
      pollMs: 200,
      onStuck: () => undefined,
    });
    try {
      await client.db('fq_mongo_clients').collection('held').findOne({});
      proxy.holdAnswers(true);
      const pending = client
        .db('fq_mongo_clients')
        .collection('held')
        .findOne({})
        .catch(() => undefined);
      await sleep(1_800);
      const held = lines.filter((l) => l.level === 'warn' && l.msg.includes('an operation has held connection'));
      expect(held).toHaveLength(1);
      expect(held[0].obj).toMatchObject({ mongoClient: 'held test', connection: expect.stringMatching(/^127\.0\.0\.1:\d+\/\d+$/) });
      await proxy.restart();
      await pending;
    } finally {
      await client.close(true);
      await proxy.close();
    }
  }, 30_000);

  it('reports a server check that runs longer than it may, naming the client', async () => {
    // a server that accepts connections and never answers: the monitor's hello waits (connectTimeoutMS, 10 s)
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { logger, lines } = capture();
    const stuck: StuckCheck[] = [];
    const client = new MongoClient(`mongodb://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`, {
      ...MONGO_CLIENT_OPTIONS,
      serverSelectionTimeoutMS: 3_000,
    });
    const watch = watchMongoClient(client, 'silent test', { logger, stuckAfterMs: 1_000, pollMs: 200, onStuck: (s) => stuck.push(s) });
    try {
      // connect() waits for a server (3 s); the monitor's first check runs all that time
      const connecting = client.connect().then(
        () => 'connected',
        () => 'gave up',
      );
      await sleep(2_000);
      expect(stuck).toHaveLength(1);
      expect(await connecting).toBe('gave up');
      expect(stuck[0]).toMatchObject({ client: 'silent test', address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
      expect(lines.find((l) => l.level === 'error')?.msg).toMatch(/"silent test".*monitor is stuck/);
    } finally {
      watch.stop();
      await client.close(true);
      for (const socket of accepted) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  }, 30_000);
});
