import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** docker-compose.yml cannot run here (no Docker engine); this keeps it valid and complete. */
const root = resolve(__dirname, '..', '..', '..');
const services = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'];

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml', () => {
  it.each(services)('%s is built from deploy/docker, has a health check and the env it needs', (name) => {
    const s = compose.services[name];
    expect(s).toBeDefined();
    expect(s.build?.dockerfile).toMatch(/^deploy\/docker\//);
    expect(existsSync(join(root, s.build!.context, s.build!.dockerfile))).toBe(true);
    expect(s.build?.args?.SERVICE).toBe(name);
    expect(existsSync(join(root, 'services', name, 'src', 'main.ts'))).toBe(true);
    expect(s.healthcheck?.test).toBeDefined();
    for (const key of ['FENGQIAO_MODE', 'KAFKA_BROKERS', 'MONGO_URL', 'KURRENTDB_URL', 'PORT', 'AUTH_ISSUER', 'AUTH_JWKS_URL']) {
      expect(s.environment?.[key]).toBeTruthy();
    }
    expect(s.environment!.FENGQIAO_MODE).toBe('distributed');
    for (const dep of ['kafka', 'mongodb', 'kurrentdb']) expect(s.depends_on?.[dep]?.condition).toBe('service_healthy');
  });

  it('runs the token issuer in analytics with a signing key from a secret file, never a default', () => {
    const a = compose.services.analytics as ComposeService & { secrets?: string[] };
    expect(a.environment?.AUTH_BUILTIN_ISSUER).toBe('true');
    expect(a.environment?.AUTH_SIGNING_KEY_FILE).toMatch(/^\/run\/secrets\//);
    expect(a.secrets).toContain('auth_signing_key');
    expect(compose.services.intake.environment!.AUTH_JWKS_URL).toBe('http://analytics:3000/.well-known/jwks.json');
  });

  it('runs Kafka in KRaft mode, MongoDB as a replica set and KurrentDB, each with a health check', () => {
    const { kafka, mongodb, kurrentdb } = compose.services;
    expect(kafka.image).toMatch(/kafka:4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(mongodb.command).toEqual(expect.arrayContaining(['--replSet']));
    expect(kurrentdb.image).toMatch(/kurrentdb/);
    for (const s of [kafka, mongodb, kurrentdb]) expect(s.healthcheck?.test).toBeDefined();
    // the brokers the services are told about are the ones Kafka advertises
    expect(kafka.environment?.KAFKA_ADVERTISED_LISTENERS).toContain(compose.services.intake.environment!.KAFKA_BROKERS);
  });

  it('builds from a multi-stage Dockerfile that runs as a non-root user with a health check', () => {
    const dockerfile = readFileSync(join(root, 'deploy/docker/service.Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM node:24/m);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('runs the server code compiled by scripts/build-node.mjs, as npm start does, not through the register hook', () => {
    const dockerfile = readFileSync(join(root, 'deploy/docker/service.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN node scripts\/build-node\.mjs/m);
    const cmd = dockerfile.match(/^CMD .*$/m)![0];
    expect(cmd).toContain('dist/node/services/${SERVICE}/src/main.js');
    expect(cmd).not.toContain('@swc-node/register');
  });
});
