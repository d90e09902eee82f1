/**
 * Configuration read once from the environment (or files named by *_FILE variables).
 * Secrets never have defaults in production: see `requireSecret`.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';

export type RunMode = 'standalone' | 'distributed';

export interface ServiceConfig {
  serviceName: string;
  mode: RunMode;
  port: number;
  host: string;
  /** distributed mode */
  kafkaBrokers: string[];
  /**
   * KAFKA_TOPIC_PREFIX: names this deployment's topics and consumer groups on a shared broker
   * (`<prefix>.intake.case.events.v1`); empty = the contract names as they are.
   */
  kafkaTopicPrefix: string;
  mongoUrl: string;
  /** KURRENTDB_URL (distributed mode): the event store of every context on KurrentDB, else on MongoDB */
  kurrentdbUrl: string;
  /** standalone mode: where the embedded stores keep their files */
  dataDir: string;
  logLevel: string;
  production: boolean;
}

/** pino's levels, most severe first, which LOG_LEVEL names (default `info`); `silent` logs nothing. */
export const LOG_LEVELS: readonly string[] = [
  ...Object.entries(pino.levels.values)
    .sort(([, a], [, b]) => b - a)
    .map(([name]) => name),
  'silent',
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function env(name: string, source: NodeJS.ProcessEnv): string | undefined {
  const fileVar = source[`${name}_FILE`];
  if (fileVar) return readFileSync(fileVar, 'utf8').trim();
  const v = source[name];
  return v === undefined || v === '' ? undefined : v;
}

function port(name: string, fallback: number, source: NodeJS.ProcessEnv): number {
  const raw = env(name, source);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number (0–65535), got "${raw}"`);
  return n;
}

export function loadServiceConfig(serviceName: string, defaults: { port: number; mode: RunMode }, source: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const mode = (env('FENGQIAO_MODE', source) ?? defaults.mode) as RunMode;
  if (mode !== 'standalone' && mode !== 'distributed') {
    throw new ConfigError(`FENGQIAO_MODE must be "standalone" or "distributed", got "${mode}"`);
  }
  const kafkaBrokers = (env('KAFKA_BROKERS', source) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const mongoUrl = env('MONGO_URL', source) ?? '';
  const kafkaTopicPrefix = env('KAFKA_TOPIC_PREFIX', source) ?? '';
  if (kafkaTopicPrefix !== '' && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(kafkaTopicPrefix)) {
    throw new ConfigError(`KAFKA_TOPIC_PREFIX must be 1–40 lower-case letters, digits, "-" or "_", got "${kafkaTopicPrefix}"`);
  }
  const logLevel = env('LOG_LEVEL', source) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    // every logger of the process reads it (pino): an unknown level (e.g. Nest's "log" or "verbose") made the first one throw deep in the start-up
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  if (mode === 'distributed') {
    if (kafkaBrokers.length === 0) throw new ConfigError('KAFKA_BROKERS is required in distributed mode (e.g. 127.0.0.1:9092)');
    if (!mongoUrl) throw new ConfigError('MONGO_URL is required in distributed mode (e.g. mongodb://127.0.0.1:27017/fengqiao)');
  }
  return {
    serviceName,
    mode,
    port: port('PORT', defaults.port, source),
    host: env('HOST', source) ?? '127.0.0.1',
    kafkaBrokers,
    kafkaTopicPrefix,
    mongoUrl,
    kurrentdbUrl: env('KURRENTDB_URL', source) ?? '',
    dataDir: env('FENGQIAO_DATA_DIR', source) ?? './data',
    logLevel,
    production: source.NODE_ENV === 'production',
  };
}

/** A secret from the environment; demo values are refused in production mode. */
export function requireSecret(name: string, demoValue: string, source: NodeJS.ProcessEnv = process.env): string {
  const v = env(name, source);
  if (source.NODE_ENV === 'production') {
    if (!v) throw new ConfigError(`${name} must be set in production (NODE_ENV=production)`);
    if (v === demoValue) throw new ConfigError(`${name} still has the demo value; refusing to start in production`);
    return v;
  }
  return v ?? demoValue;
}
