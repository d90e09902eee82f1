/**
 * Directory changes on real Kafka (issue 14 item 7): the issuer's host publishes every journal
 * entry (the seed as versions 1..n) through its outbox stream and relay; a service that does not
 * host the issuer follows the topic, so its token check knows users created after it started and
 * refuses a deactivated user at once; a service started later catches up from the topic's start;
 * a restart of the host publishes nothing twice; a follower that stops leaves no consumer group behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { AuthenticationError, BuiltInIssuer, USER_ROLES } from '@fengqiao/identity';
import { FIXTURE_PASSWORD, FIXTURE_UNITS, FIXTURE_USERS, fixtureSeed } from '@fengqiao/identity/testing';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { createServiceApp, type ServiceAppDefinition } from '../bootstrap/create-app';
import { loadServiceConfig } from '../config/service-config';
import { DirectoryFollower, DIRECTORY_STREAM } from './directory-events';
import { TokenVerifier } from './token-verifier';
import { ContextRuntime, runtimeToken } from '../infrastructure/context-runtime';

const ISSUER = 'urn:fengqiao:directory-events-test';

async function eventually<T>(what: string, fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    if (e instanceof AuthenticationError) return e.code;
    const response = (e as { getResponse?: () => { code?: string } }).getResponse?.();
    return response?.code ?? String(e);
  }
}

describeIntegration('directory changes over Kafka (distributed)', ['kafka', 'mongo'], (env) => {
  jest.setTimeout(180_000);
  const prefix = uniqueName('h-dirpriv')
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .slice(0, 40);
  const mongoUrl = () => `${env().mongoUrl.replace(/\/[^/]*$/, '')}/${uniqueName('fq_dir').replace(/-/g, '_')}`;
  let mongo = '';
  const dirs: string[] = [];
  const apps: INestApplication[] = [];

  const seed = () => ({
    directory: fixtureSeed,
    passwords: USER_ROLES.map((role) => ({ userId: FIXTURE_USERS[role], password: FIXTURE_PASSWORD })),
  });

  async function start(
    name: string,
    extraEnv: Record<string, string>,
    dataDir: string,
    identitySeed?: ServiceAppDefinition['identitySeed'],
  ): Promise<{ app: INestApplication; url: string }> {
    const saved = { ...process.env };
    Object.assign(process.env, { AUTH_ISSUER: ISSUER, FENGQIAO_DEMO: 'false', ...extraEnv });
    try {
      const config = loadServiceConfig(
        name,
        { port: 0, mode: 'distributed' },
        {
          ...process.env,
          KAFKA_BROKERS: env().kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          MONGO_URL: mongo,
          FENGQIAO_DATA_DIR: dataDir,
        },
      );
      const app = await createServiceApp({ name, title: name, imports: [], ...(identitySeed ? { identitySeed } : {}) }, config);
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
    } finally {
      process.env = saved;
    }
  }

  beforeAll(() => {
    mongo = mongoUrl();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('publishes the seed and each change once; followers apply them in order and the token check uses them', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'fq-dir-host-'));
    dirs.push(hostDir);
    const host = await start('analytics', { AUTH_BUILTIN_ISSUER: 'true' }, hostDir, seed);
    const issuer = host.app.get(BuiltInIssuer);
    const seeded = issuer.directory.version;
    expect(seeded).toBeGreaterThan(5);

    const followerDir = mkdtempSync(join(tmpdir(), 'fq-dir-follower-'));
    dirs.push(followerDir);
    const intake = await start('intake', { AUTH_BUILTIN_ISSUER: 'false', AUTH_JWKS_URL: `${host.url}/.well-known/jwks.json` }, followerDir);
    const follower = intake.app.get(DirectoryFollower);
    const verifier = intake.app.get(TokenVerifier);
    await eventually(
      'the follower to apply the seed',
      () => follower.directory.version,
      (v) => v === seeded,
    );
    expect(follower.directory.entries()).toEqual(issuer.directory.entries());

    // a user created after the follower started: their token is accepted there
    issuer.directory.apply(
      {
        type: 'UserAdded',
        user: { id: 'u-new-operator', username: 'new.operator', displayName: '新值班员', unitId: FIXTURE_UNITS.villageFengyuan, roles: ['operator'] },
      },
      { by: FIXTURE_USERS.admin, at: new Date() },
    );
    await issuer.setPassword('u-new-operator', FIXTURE_PASSWORD);
    const { accessToken } = await issuer.login('new.operator', FIXTURE_PASSWORD);
    const principal = await verifier.verify(accessToken);
    expect(principal.userId).toBe('u-new-operator');
    expect(follower.directory.current().user('u-new-operator')?.unitId).toBe(FIXTURE_UNITS.villageFengyuan);

    // deactivated: refused by the follower once the change arrives, without waiting for the token to expire
    issuer.directory.apply({ type: 'UserDisabled', userId: 'u-new-operator' }, { by: FIXTURE_USERS.admin, at: new Date() });
    await eventually(
      'the follower to refuse the deactivated user',
      () => refusal(verifier.verify(accessToken)),
      (c) => c === 'AUTH.USER_DISABLED',
    );

    // a service started now catches up from the topic's start
    const lateDir = mkdtempSync(join(tmpdir(), 'fq-dir-late-'));
    dirs.push(lateDir);
    const petitions = await start('petitions', { AUTH_BUILTIN_ISSUER: 'false', AUTH_JWKS_URL: `${host.url}/.well-known/jwks.json` }, lateDir);
    const late = petitions.app.get(DirectoryFollower);
    await eventually(
      'the late follower to catch up',
      () => late.directory.version,
      (v) => v === issuer.directory.version,
    );
    expect(late.directory.current().user('u-new-operator')?.disabled).toBe(true);
    expect(await refusal(petitions.app.get(TokenVerifier).verify(accessToken))).toBe('AUTH.USER_DISABLED');

    // the host restarts on the same data: nothing is appended (nor published) twice
    const runtime = host.app.get<ContextRuntime>(runtimeToken('directory'));
    const before = await runtime.infra.events.streamRevision(DIRECTORY_STREAM);
    expect(before).toBe(issuer.directory.version - 1);
    await host.app.close();
    apps.splice(apps.indexOf(host.app), 1);
    const again = await start('analytics', { AUTH_BUILTIN_ISSUER: 'true' }, hostDir, seed);
    const issuer2 = again.app.get(BuiltInIssuer);
    issuer2.directory.apply({ type: 'UserEnabled', userId: 'u-new-operator' }, { by: FIXTURE_USERS.admin, at: new Date() });
    await eventually(
      'the followers to see the change made after the restart',
      () => [follower.directory.version, late.directory.version],
      (v) => v.every((x) => x === issuer2.directory.version),
    );
    const runtime2 = again.app.get<ContextRuntime>(runtimeToken('directory'));
    expect(await runtime2.infra.events.streamRevision(DIRECTORY_STREAM)).toBe(issuer2.directory.version - 1);
    expect(follower.directory.entries()).toEqual(issuer2.directory.entries());
    expect((await verifier.verify(accessToken)).userId).toBe('u-new-operator');

    // a follower's group lives as long as its process: closed, it leaves no group on the broker
    const directoryGroups = async () => {
      const admin = new Kafka({ clientId: uniqueName('dir-groups'), brokers: env().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        return (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix) && g.includes('.directory.'));
      } finally {
        await admin.disconnect();
      }
    };
    expect((await directoryGroups()).some((g) => g.includes('petitions.directory.'))).toBe(true);
    await petitions.app.close();
    apps.splice(apps.indexOf(petitions.app), 1);
    const left = await directoryGroups();
    expect(left.filter((g) => g.includes('petitions.directory.'))).toEqual([]);
    expect(left.some((g) => g.includes('intake.directory.'))).toBe(true);
  });
});
