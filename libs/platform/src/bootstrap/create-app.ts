import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BeforeApplicationShutdown, DynamicModule, INestApplication, Inject, Injectable, Module, ModuleMetadata, OnApplicationShutdown } from '@nestjs/common';
import { Bus } from '@fengqiao/bus';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { discoverRoutes } from '../auth/route-discovery';
import { completeOpenApiDocument } from './openapi';
import helmet from 'helmet';
import mongoose, { type Connection } from 'mongoose';
import { Logger } from 'nestjs-pino';
import { ServiceConfig } from '../config/service-config';
import { configureHttpEdge } from './http-edge';
import { HealthModule } from '../health/health.module';
import { EmbeddedStorageProbe, HealthProbe, KafkaProbe, MongoProbe } from '../health/indicators';
import { loggingModule } from '../logging/logging.module';
import { authImports, IdentitySeed } from '../auth/identity.module';
import { corsOptionsDelegate } from '../auth/cors';
import { loadAuthConfig } from '../auth/auth.config';
import { createBus } from '../infrastructure/context-infrastructure';
import { relayGateOf } from '../infrastructure/relay-gate';
import { MONGO_CLIENT_OPTIONS, watchMongoClient } from '../infrastructure/mongo-clients';
import { BUS, SERVICE_CONFIG } from '../infrastructure/context-runtime';
import { httpMetricsMiddleware, metricsPlacementOf, serveMetrics, startMetricsServer } from '../metrics/metrics.http';
import { AuditRegistry } from '../audit/audit-registry';
import { ContextAuditController } from '../audit/context-audit.http.controller';
import { ConsoleSite, serveConsole } from './serve-console';
import { flushTracing, httpTracingMiddleware, startTracing } from '../tracing/tracing';
import { SubjectErasureController } from '../privacy/subject-erasure.http.controller';

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

export interface ServiceAppDefinition {
  /** service name, e.g. 'intake' or 'standalone' */
  name: string;
  /** the context modules this process hosts */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** human title for the OpenAPI document */
  title: string;
  /** reference data the built-in issuer loads into an empty directory (where this process hosts it) */
  identitySeed?: () => IdentitySeed | undefined;
  /**
   * Serve the audit of the stores this process hosts: signed checkpoints on a schedule, the public
   * checkpoint routes and the auditors' per-store routes (`/audit/…`). On in every deployable.
   */
  audit?: boolean;
  /** the web console's build served at `/` (standalone); skipped when the build is missing */
  console?: ConsoleSite;
}

export interface RunningService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

@Module({})
class ServiceRootModule {}

/**
 * Stops the relays of every context first (before any context closes its consumers: see
 * RelayGate.stopAll; `closeService` has stopped them already, an app closed otherwise has not), and
 * closes the process-wide bus (draining its consumers) when the app stops.
 */
@Injectable()
class BusLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(BUS) private readonly bus: Bus) {}
  async beforeApplicationShutdown(): Promise<void> {
    await relayGateOf(this.bus).stopAll();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/**
 * Closes the health probe's MongoDB connection when the app stops. (Assigning `app.close` does not
 * work: Nest's application proxy swallows property writes, so the connection stayed open and kept
 * an in-process app's test runner alive.)
 */
@Injectable()
class MongoConnectionLifecycle implements OnApplicationShutdown {
  // a type-only name: its design:paramtypes is Object, so loading this file does not load mongoose
  // (scripts/build-node.mjs requires it lazily; standalone never does)
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Sends the spans still buffered when the app stops (the provider itself lives as long as the process). */
@Injectable()
class TracingLifecycle implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}

/** Creates a configured Nest app (HTTP, logs, validation, errors, health, OpenAPI); does not listen. */
export async function createServiceApp(def: ServiceAppDefinition, config: ServiceConfig): Promise<INestApplication> {
  // spans always (a real trace context through the store and Kafka); exported with OTEL_EXPORTER_OTLP_ENDPOINT
  startTracing({ serviceName: def.name });
  const probes: HealthProbe[] = [];
  const providers: NonNullable<ModuleMetadata['providers']> = [];
  let connection: mongoose.Connection | undefined;
  if (config.mode === 'distributed') {
    probes.push(new KafkaProbe(config.kafkaBrokers, def.name));
    connection = mongoose.createConnection(config.mongoUrl, { ...MONGO_CLIENT_OPTIONS, serverSelectionTimeoutMS: 5000 });
    watchMongoClient(connection.getClient(), `${def.name} health`);
    // The connection keeps retrying in the background; /health reports it down until it answers.
    connection.on('error', () => undefined);
    probes.push(new MongoProbe(connection));
    providers.push({ provide: MONGO_CONNECTION, useValue: connection }, MongoConnectionLifecycle);
  } else {
    probes.push(new EmbeddedStorageProbe(config.dataDir));
  }

  const bus = createBus(config);
  providers.push({ provide: SERVICE_CONFIG, useValue: config }, { provide: BUS, useValue: bus }, BusLifecycle, TracingLifecycle);
  if (def.audit) providers.push(AuditRegistry);
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      loggingModule(def.name, config.logLevel),
      HealthModule.forRoot(probes),
      // the token guard on every route; the built-in issuer where this process hosts it
      ...authImports({ ...process.env, FENGQIAO_MODE: config.mode, FENGQIAO_DATA_DIR: config.dataDir }, def.identitySeed),
      ...def.imports,
    ],
    providers,
    controllers: [...(def.audit ? [ContextAuditController] : []), SubjectErasureController],
    exports: [SERVICE_CONFIG, BUS, ...(connection ? [MONGO_CONNECTION] : []), ...(def.audit ? [AuditRegistry] : [])],
    global: true,
  };

  const app = await NestFactory.create<NestExpressApplication>(root, { bufferLogs: true, abortOnError: false });
  app.enableCors(corsOptionsDelegate(loadAuthConfig({ ...process.env, FENGQIAO_MODE: config.mode }).consoleOrigin));
  app.useLogger(app.get(Logger));
  // first: the request's span is active for the logger (its trace id is the correlation id), the body parser and the handlers
  app.use(httpTracingMiddleware);
  app.use(httpMetricsMiddleware);
  // Prometheus scrape endpoint, no login: here, or on its own listener when METRICS_PORT is set
  if (metricsPlacementOf().port === undefined) {
    app.getHttpAdapter().get('/metrics', (req: IncomingMessage, res: ServerResponse) => void serveMetrics(req, res));
  }
  app.use(helmet());
  configureHttpEdge(app);
  if (def.console && !serveConsole(app, def.console)) app.get(Logger).warn(`web console not built (${def.console.dir}): run node services/console/build.mjs`);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(def.title).setDescription(`枫桥 Fengqiao — ${def.name} (${config.mode} mode)`).setVersion('0.1.0').addBearerAuth().build(),
  );
  completeOpenApiDocument(document, discoverRoutes(app));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  return app;
}

/**
 * Stops the app: the relays first, then Nest's hooks (modules, then BusLifecycle and the rest). Nest
 * runs every module's `onModuleDestroy` before any `beforeApplicationShutdown`, and a relay replaying
 * a large store goes on meanwhile, one batch per turn of the event loop: what those hooks wait for (a
 * demo seeding finishing its case, a projector catching up) waited behind it. A standalone process
 * stopped 5 s into its relays' pass over 1,000,000 events took 7.4 s in one such hook (issue 15).
 * Events appended after this are relayed from the checkpoint at the next start, as after a crash.
 */
async function closeService(app: INestApplication): Promise<void> {
  await relayGateOf(app.get<Bus>(BUS)).stopAll();
  await app.close();
}

/** Creates the app, starts its Kafka consumer (distributed mode) and listens. */
export async function startService(def: ServiceAppDefinition, config: ServiceConfig): Promise<RunningService> {
  const app = await createServiceApp(def, config);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  app.get(Logger).log(`${def.name} listening on ${url} (${config.mode} mode)`);
  const placement = metricsPlacementOf();
  if (placement.port !== undefined) {
    const { server, url: metricsUrl } = await startMetricsServer({ port: placement.port, host: placement.host });
    app.get(Logger).log(`metrics on ${metricsUrl}`);
    return {
      app,
      url,
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await closeService(app);
      },
    };
  }
  return { app, url, close: () => closeService(app) };
}
