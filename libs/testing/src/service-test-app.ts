/**
 * What every service's HTTP test app does the same way: a temporary data directory, the rate
 * limits raised while the app is created (the platform reads them from the environment then), the
 * demo users found by user name in the built-in issuer's directory, one cached token per user,
 * `call()` over fetch, and a `close()` that removes the data directory. The service itself (its
 * module, options and clock) is started by the caller's `start`, through the real bootstrap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { BuiltInIssuer, principalOf, type Directory, type Principal } from '@fengqiao/identity';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** the parsed JSON body; the text itself when the body is not JSON; undefined when empty */
  body: T;
  text: string;
}

export interface CallOptions<U extends string> {
  as?: U;
  /** a bearer token of the caller's own (instead of `as`) */
  token?: string;
  body?: unknown;
  /** sent as application/x-www-form-urlencoded (instead of `body`) */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** What the caller's start function returns (the platform's RunningService fits). */
export interface StartedService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export interface ServiceTestAppSpec<S extends StartedService, U extends Record<string, string>> {
  /** the temporary data directory's name prefix, e.g. `fq-intake-` */
  dataDirPrefix: string;
  /** the test's names for demo users → their user names */
  users: U;
  /** environment variables of rate limits, set to `rateLimitPerMinute` while the app is created */
  rateLimits: readonly string[];
  rateLimitPerMinute?: number;
  /** starts the service with its data in `dataDir` */
  start(dataDir: string): Promise<S>;
}

export interface ServiceTestSession<S extends StartedService, U extends Record<string, string>> {
  service: S;
  url: string;
  dataDir: string;
  issuer: BuiltInIssuer;
  directory: Directory;
  userId(user: keyof U): string;
  principal(user: keyof U): Principal;
  token(user: keyof U): Promise<string>;
  call<T = unknown>(method: string, path: string, options?: CallOptions<Extract<keyof U, string>>): Promise<JsonResponse<T>>;
  /** closes the service and removes its data directory */
  close(): Promise<void>;
}

export async function startServiceTestSession<S extends StartedService, U extends Record<string, string>>(
  spec: ServiceTestAppSpec<S, U>,
): Promise<ServiceTestSession<S, U>> {
  const dataDir = mkdtempSync(join(tmpdir(), spec.dataDirPrefix));
  const saved = spec.rateLimits.map((name) => process.env[name]);
  for (const name of spec.rateLimits) process.env[name] = String(spec.rateLimitPerMinute ?? 10_000);
  let service: S;
  try {
    service = await spec.start(dataDir);
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  } finally {
    spec.rateLimits.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
  }
  const issuer = service.app.get(BuiltInIssuer, { strict: false });
  const directory = issuer.directory;
  const userId = (user: keyof U): string => {
    const name = spec.users[user];
    const found = directory.current().userByUsername(name);
    if (!found) throw new Error(`demo has no user ${name}`);
    return found.id;
  };
  const principal = (user: keyof U): Principal => {
    const snapshot = directory.current();
    return principalOf(snapshot.user(userId(user))!, snapshot);
  };
  const tokens = new Map<keyof U, string>();
  const token = async (user: keyof U): Promise<string> => {
    let t = tokens.get(user);
    if (!t) {
      t = (await issuer.issueAccessToken(principal(user))).token;
      tokens.set(user, t);
    }
    return t;
  };
  const call = async <T>(method: string, path: string, o: CallOptions<Extract<keyof U, string>> = {}): Promise<JsonResponse<T>> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const bearer = o.token ?? (o.as ? await token(o.as) : undefined);
    if (bearer) headers['authorization'] = `Bearer ${bearer}`;
    let body: string | undefined;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(`${service.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
  return {
    service,
    url: service.url,
    dataDir,
    issuer,
    directory,
    userId,
    principal,
    token,
    call,
    async close() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
