import { AuthenticationError } from './authentication-error';
import type { DirectorySnapshot } from './directory/directory';
import type { AuditScope, DirectoryUser } from './directory/unit';
import { isUserRole, type UserRole } from './roles';

/** Who is calling, as established from a verified access token. No personal data of parties. */
export interface Principal {
  userId: string;
  username: string;
  roles: UserRole[];
  unitId: string;
  /** unit ids from the district down to `unitId` */
  unitPath: string[];
  /** auditors only: what they may read */
  auditScope?: AuditScope;
  /** the directory version the token was issued under; record it on the events a request produces */
  directoryVersion: number;
  /** refresh-token family (login session) the token belongs to, when issued by the built-in issuer */
  sessionId?: string;
}

/**
 * Claim names in access tokens. Any OIDC provider can issue them (e.g. Keycloak user-attribute
 * and role mappers: see libs/identity/README.md); the standard ones are `sub`, `iss`, `aud`, `exp`.
 */
export const CLAIM = {
  username: 'preferred_username',
  roles: 'fq_roles',
  unit: 'fq_unit',
  unitPath: 'fq_path',
  directoryVersion: 'fq_dir_ver',
  auditScope: 'fq_audit',
  session: 'sid',
} as const;

export type FengqiaoClaims = Record<string, unknown>;

/** The private claims of an access token for `principal` (the issuer adds iss, aud, sub, iat, exp, jti). */
export function claimsOf(principal: Principal): FengqiaoClaims {
  return {
    [CLAIM.username]: principal.username,
    [CLAIM.roles]: [...principal.roles],
    [CLAIM.unit]: principal.unitId,
    [CLAIM.unitPath]: [...principal.unitPath],
    [CLAIM.directoryVersion]: principal.directoryVersion,
    ...(principal.auditScope ? { [CLAIM.auditScope]: { units: [...principal.auditScope.unitIds], pd: [...principal.auditScope.personalDataUnitIds] } } : {}),
    ...(principal.sessionId ? { [CLAIM.session]: principal.sessionId } : {}),
  };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);

/**
 * Reads a principal from a verified token payload. Roles the system does not know (an OIDC
 * provider's `offline_access`, say) are ignored; a token without subject, unit or a unit path that
 * ends in that unit is refused.
 */
export function principalFromClaims(payload: FengqiaoClaims): Principal {
  const sub = payload['sub'];
  const unitId = payload[CLAIM.unit];
  const unitPath = payload[CLAIM.unitPath];
  const roles = payload[CLAIM.roles];
  const version = payload[CLAIM.directoryVersion];
  if (typeof sub !== 'string' || sub.length === 0) throw new AuthenticationError('AUTH.CLAIMS_INVALID');
  if (typeof unitId !== 'string' || !isStringArray(unitPath) || unitPath[unitPath.length - 1] !== unitId) {
    throw new AuthenticationError('AUTH.CLAIMS_INVALID');
  }
  if (!Array.isArray(roles)) throw new AuthenticationError('AUTH.CLAIMS_INVALID');
  const username = payload[CLAIM.username];
  const session = payload[CLAIM.session];
  const audit = payload[CLAIM.auditScope];
  let auditScope: AuditScope | undefined;
  if (audit !== undefined) {
    const a = audit as { units?: unknown; pd?: unknown };
    if (typeof audit !== 'object' || audit === null || !isStringArray(a.units ?? []) || !isStringArray(a.pd ?? [])) {
      throw new AuthenticationError('AUTH.CLAIMS_INVALID');
    }
    auditScope = { unitIds: [...((a.units as string[] | undefined) ?? [])], personalDataUnitIds: [...((a.pd as string[] | undefined) ?? [])] };
  }
  return {
    userId: sub,
    username: typeof username === 'string' ? username : sub,
    roles: [...new Set(roles.filter(isUserRole))],
    unitId,
    unitPath: [...unitPath],
    ...(auditScope ? { auditScope } : {}),
    directoryVersion: typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0,
    ...(typeof session === 'string' && session ? { sessionId: session } : {}),
  };
}

/** The principal of a directory user at a snapshot (the built-in issuer, and test fixtures). */
export function principalOf(user: DirectoryUser, snapshot: DirectorySnapshot, sessionId?: string): Principal {
  return {
    userId: user.id,
    username: user.username,
    roles: [...user.roles],
    unitId: user.unitId,
    unitPath: snapshot.pathOf(user.unitId),
    ...(user.auditScope ? { auditScope: structuredClone(user.auditScope) } : {}),
    directoryVersion: snapshot.version,
    ...(sessionId ? { sessionId } : {}),
  };
}
