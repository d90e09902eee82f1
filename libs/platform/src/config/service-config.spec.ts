import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadServiceConfig, requireSecret } from './service-config';

describe('service config', () => {
  it('defaults to the given mode and port', () => {
    const c = loadServiceConfig('intake', { port: 3101, mode: 'standalone' }, {});
    expect(c).toMatchObject({ serviceName: 'intake', mode: 'standalone', port: 3101, host: '127.0.0.1', dataDir: './data' });
  });
  it('requires Kafka and MongoDB endpoints in distributed mode', () => {
    expect(() => loadServiceConfig('intake', { port: 1, mode: 'distributed' }, {})).toThrow(/KAFKA_BROKERS is required/);
    expect(() => loadServiceConfig('intake', { port: 1, mode: 'distributed' }, { KAFKA_BROKERS: 'k:9092' })).toThrow(/MONGO_URL is required/);
    const c = loadServiceConfig('intake', { port: 1, mode: 'distributed' }, { KAFKA_BROKERS: 'a:1, b:2', MONGO_URL: 'mongodb://m/x' });
    expect(c.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(c.kurrentdbUrl).toBe('');
    expect(
      loadServiceConfig(
        'intake',
        { port: 1, mode: 'distributed' },
        { KAFKA_BROKERS: 'a:1', MONGO_URL: 'mongodb://m/x', KURRENTDB_URL: 'kurrentdb://k:2113?tls=false' },
      ).kurrentdbUrl,
    ).toBe('kurrentdb://k:2113?tls=false');
  });
  it('takes a pino level in LOG_LEVEL and refuses another word with the levels it takes (Nest says "log")', () => {
    expect(loadServiceConfig('x', { port: 1, mode: 'standalone' }, {}).logLevel).toBe('info');
    expect(loadServiceConfig('x', { port: 1, mode: 'standalone' }, { LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadServiceConfig('x', { port: 1, mode: 'standalone' }, { LOG_LEVEL: 'log' })).toThrow(
      new ConfigError('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "log"'),
    );
  });

  it('names the deployment on a shared broker with KAFKA_TOPIC_PREFIX, and refuses an unsafe one', () => {
    expect(loadServiceConfig('x', { port: 1, mode: 'standalone' }, {}).kafkaTopicPrefix).toBe('');
    expect(loadServiceConfig('x', { port: 1, mode: 'standalone' }, { KAFKA_TOPIC_PREFIX: 'town-7' }).kafkaTopicPrefix).toBe('town-7');
    expect(() => loadServiceConfig('x', { port: 1, mode: 'standalone' }, { KAFKA_TOPIC_PREFIX: 'Town.7' })).toThrow(/KAFKA_TOPIC_PREFIX/);
  });
  it('rejects a bad port and a bad mode', () => {
    expect(() => loadServiceConfig('x', { port: 1, mode: 'standalone' }, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadServiceConfig('x', { port: 1, mode: 'standalone' }, { FENGQIAO_MODE: 'cluster' })).toThrow(/FENGQIAO_MODE/);
  });
  it('reads *_FILE variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-cfg-'));
    writeFileSync(join(dir, 'url'), 'mongodb://from-file/db\n');
    const c = loadServiceConfig('x', { port: 1, mode: 'distributed' }, { KAFKA_BROKERS: 'k:1', MONGO_URL_FILE: join(dir, 'url') });
    expect(c.mongoUrl).toBe('mongodb://from-file/db');
  });
  it('refuses demo secrets in production and missing ones too', () => {
    expect(requireSecret('JWT_KEY', 'demo', {})).toBe('demo');
    expect(() => requireSecret('JWT_KEY', 'demo', { NODE_ENV: 'production' })).toThrow(/must be set/);
    expect(() => requireSecret('JWT_KEY', 'demo', { NODE_ENV: 'production', JWT_KEY: 'demo' })).toThrow(/demo value/);
    expect(requireSecret('JWT_KEY', 'demo', { NODE_ENV: 'production', JWT_KEY: 's3cret' })).toBe('s3cret');
  });
});
