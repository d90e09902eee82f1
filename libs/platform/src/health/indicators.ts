import { Kafka, logLevel } from 'kafkajs';
import { mendKafkajsRequestQueue } from '@fengqiao/bus';
import mongoose from 'mongoose';
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** One named check behind /health. Returns details on success, throws with a reason on failure. */
export interface HealthProbe {
  readonly key: string;
  check(): Promise<Record<string, unknown>>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Kafka is up when the cluster answers a metadata request. */
export class KafkaProbe implements HealthProbe {
  readonly key = 'kafka';
  private readonly kafka: Kafka;
  constructor(
    brokers: string[],
    clientId: string,
    private readonly timeoutMs = 3000,
  ) {
    mendKafkajsRequestQueue(); // kafkajs 2.2.4's 1 ms idle timer loop (libs/bus)
    this.kafka = new Kafka({ clientId: `${clientId}-health`, brokers, logLevel: logLevel.NOTHING, connectionTimeout: timeoutMs, retry: { retries: 0 } });
  }
  async check(): Promise<Record<string, unknown>> {
    const admin = this.kafka.admin();
    try {
      await withTimeout(admin.connect(), this.timeoutMs, 'Kafka');
      const cluster = await withTimeout(admin.describeCluster(), this.timeoutMs, 'Kafka');
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** MongoDB (or FerretDB) is up when the connection answers a ping. */
export class MongoProbe implements HealthProbe {
  readonly key = 'mongodb';
  constructor(
    private readonly connection: mongoose.Connection,
    private readonly timeoutMs = 3000,
  ) {}
  async check(): Promise<Record<string, unknown>> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== 1) throw new Error(`not connected (state ${this.connection.readyState})`);
    await withTimeout(db.admin().ping(), this.timeoutMs, 'MongoDB');
    return { database: db.databaseName };
  }
}

/** The embedded store's folder is writable and node:sqlite opens a database there. */
export class EmbeddedStorageProbe implements HealthProbe {
  readonly key = 'storage';
  constructor(private readonly dataDir: string) {}
  async check(): Promise<Record<string, unknown>> {
    mkdirSync(this.dataDir, { recursive: true });
    const db = new DatabaseSync(join(this.dataDir, 'health.sqlite'));
    try {
      const row = db.prepare('select sqlite_version() as v').get() as { v: string };
      return { dataDir: this.dataDir, sqlite: row.v };
    } finally {
      db.close();
    }
  }
}

/** A context module in this process reports itself ready once Nest has initialised it. */
export class ModuleReadyProbe implements HealthProbe {
  private ready = false;
  constructor(
    readonly key: string,
    private readonly details: () => Record<string, unknown> = () => ({}),
  ) {}
  markReady(): void {
    this.ready = true;
  }
  async check(): Promise<Record<string, unknown>> {
    if (!this.ready) throw new Error('module not initialised');
    return this.details();
  }
}
