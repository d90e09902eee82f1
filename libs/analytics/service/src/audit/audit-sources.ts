/**
 * Where the audit API reads the other contexts' stores (a context never opens another's store):
 * - standalone: the per-store audits of this process (`AuditRegistry`, in-process);
 * - distributed: each service's own audit routes (`/audit/stores/<context>/…`) over HTTP, with the
 *   auditor's own token, listed in `AUDIT_SOURCES` (`intake=http://127.0.0.1:3101,grid-dispatch=…`),
 *   plus the stores this process hosts.
 * Either way, the store's owner checks the auditor's scope, masks or logs personal data, and
 * signs the checkpoints; this side only assembles.
 */
import type { BundledLog, CheckpointKeySet, SignedCheckpoint, StatePoint } from '@fengqiao/event-store';
import type { Principal } from '@fengqiao/identity';
import type { AuditRegistry, AuditStream, MatterQuery, MatterVerification } from '@fengqiao/platform';

export interface Caller {
  principal: Principal;
  /** the caller's `authorization` header, forwarded to remote sources */
  authorization?: string;
}

export interface AuditSource {
  context: string;
  matter(caller: Caller, query: MatterQuery): Promise<AuditStream[]>;
  stateAt(caller: Caller, streamId: string, point: StatePoint): Promise<unknown>;
  verify(caller: Caller, streamIds: string[], held?: SignedCheckpoint): Promise<MatterVerification>;
  evidence(caller: Caller, streamIds: string[]): Promise<BundledLog>;
  keys(): Promise<CheckpointKeySet>;
}

export function inProcessSources(registry: AuditRegistry): AuditSource[] {
  return registry.all().map((audit) => ({
    context: audit.context,
    matter: (c, q) => audit.matter(c.principal, q, 'timeline'),
    stateAt: (c, streamId, point) => audit.stateAt(c.principal, streamId, point),
    verify: (c, streamIds, held) => audit.verifyMatter(c.principal, streamIds, held),
    evidence: (c, streamIds) => audit.evidence(c.principal, streamIds),
    keys: async () => audit.auditor.keySet(),
  }));
}

export class RemoteAuditError extends Error {}

/** A service's audit routes over HTTP. */
export function httpSource(context: string, baseUrl: string): AuditSource {
  const url = (path: string) => `${baseUrl.replace(/\/$/, '')}/audit${path}`;
  const call = async <T>(caller: Caller | undefined, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url(path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(caller?.authorization ? { authorization: caller.authorization } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status === 404 && path.includes('/state')) return undefined as T;
    if (!res.ok) throw new RemoteAuditError(`${context} audit answered ${res.status} to ${path}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const store = `/stores/${encodeURIComponent(context)}`;
  return {
    context,
    matter: async (c, q) =>
      (
        await call<{ streams: AuditStream[] }>(
          c,
          `${store}/matter?ids=${encodeURIComponent(q.ids.join(','))}&correlationIds=${encodeURIComponent(q.correlationIds.join(','))}`,
        )
      ).streams,
    stateAt: (c, streamId, point) => {
      const query = 'revision' in point ? `revision=${point.revision}` : `at=${encodeURIComponent(point.at)}&by=${point.by ?? 'recordedAt'}`;
      return call(c, `${store}/streams/${encodeURIComponent(streamId)}/state?${query}`);
    },
    verify: (c, streamIds, held) => call(c, `${store}/matter/verify`, { streamIds, ...(held ? { checkpoint: held } : {}) }),
    evidence: (c, streamIds) => call(c, `${store}/matter/evidence`, { streamIds }),
    keys: () => call(undefined, '/checkpoint-keys'),
  };
}

/** `AUDIT_SOURCES=intake=http://…,grid-dispatch=http://…` */
export function parseAuditSources(raw: string | undefined): Array<{ context: string; url: string }> {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`AUDIT_SOURCES: expected context=url, got "${pair}"`);
      return { context: pair.slice(0, at), url: pair.slice(at + 1) };
    });
}
