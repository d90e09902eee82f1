import { ApiError, statusMessage, toApiError } from './api-error';

/**
 * The one typed fetch wrapper of the console: same-origin public APIs, bearer token, one refresh
 * on 401, If-Match / ETag, and every failure as an ApiError with the API's Chinese message.
 */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** epoch ms when the access token expires */
  expiresAt: number;
}

const STORAGE_KEY = 'fengqiao.session';
let tokens: Tokens | null = load();
const listeners = new Set<(t: Tokens | null) => void>();

function load(): Tokens | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null; // unreadable storage: start logged out
  }
}

export function currentTokens(): Tokens | null {
  return tokens;
}

export function setTokens(next: Tokens | null): void {
  tokens = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l(next);
}

export function onTokens(listener: (t: Tokens | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
export const fromAnswer = (a: TokenAnswer): Tokens => ({
  accessToken: a.accessToken,
  refreshToken: a.refreshToken,
  expiresAt: Date.now() + a.expiresIn * 1000,
});

let refreshing: Promise<boolean> | null = null;
/** Exchanges the refresh token once (concurrent callers share the same exchange). */
export function refreshTokens(): Promise<boolean> {
  const current = tokens;
  if (!current) return Promise.resolve(false);
  refreshing ??= fetch('/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: current.refreshToken }),
  })
    .then(async (res) => {
      if (!res.ok) {
        setTokens(null);
        return false;
      }
      setTokens(fromAnswer((await res.json()) as TokenAnswer));
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** the revision the caller saw (sent as If-Match) */
  ifMatch?: string;
  /** no bearer token (login) */
  anonymous?: boolean;
}

export interface Answer<T> {
  data: T;
  etag?: string;
  status: number;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function call<T>(path: string, opts: RequestOptions = {}, retried = false): Promise<Answer<T>> {
  // refresh a little before expiry rather than after a 401
  if (!opts.anonymous && tokens && tokens.expiresAt - Date.now() < 15_000 && !retried) await refreshTokens();
  // signed out (or the session ended while this call waited): a protected API is not asked at all
  if (!opts.anonymous && !tokens) throw new ApiError(401, 'AUTH.NO_SESSION', statusMessage(401));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
  if (!opts.anonymous && tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', statusMessage(0));
  }
  if (res.status === 401 && !opts.anonymous && !retried && tokens) {
    if (await refreshTokens()) return call<T>(path, opts, true);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) throw toApiError(res.status, body);
  return { data: body as T, etag: res.headers.get('etag') ?? undefined, status: res.status };
}

export const get = async <T>(path: string, query?: RequestOptions['query']): Promise<T> => (await call<T>(path, { query })).data;
export const post = async <T>(path: string, body: unknown, ifMatch?: string): Promise<T> => (await call<T>(path, { method: 'POST', body, ifMatch })).data;
