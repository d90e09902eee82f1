/**
 * Jurisdiction scoping (DESIGN §1): a user acts only on cases whose unit lies in their own unit's
 * subtree; an auditor reads inside an explicit scope. A case stores its `jurisdiction` (unit path
 * from the district down, plus the units handling it: see `jurisdictionOf` in @fengqiao/identity),
 * so one check serves both single resources (`assertInJurisdiction`) and queries
 * (`jurisdictionFilter`, applied in the read store, never after the fact).
 */
import { ForbiddenError } from '@fengqiao/kernel';
import { isWithinAny, type Principal, type UnitPath, type UserRole } from '@fengqiao/identity';
import { ROLE_ACTIONS, type Action } from './actions';
import { denialLog } from './denials';

/** Units under which a role acts: its own unit, or an auditor's explicit scope. */
function scopeOfRole(principal: Principal, role: UserRole): string[] {
  return role === 'auditor' ? [...(principal.auditScope?.unitIds ?? [])] : [principal.unitId];
}

/**
 * The roots of the subtrees where the principal may perform `action`: the union over the
 * principal's roles that allow it. Empty when no role allows it.
 */
export function scopeUnitIds(principal: Principal, action: Action): string[] {
  const ids = new Set<string>();
  for (const role of principal.roles) {
    if (ROLE_ACTIONS[role].includes(action)) for (const id of scopeOfRole(principal, role)) ids.add(id);
  }
  return [...ids];
}

/** Whether the principal may perform `action` on a resource with this jurisdiction. */
export function inJurisdiction(principal: Principal, jurisdiction: UnitPath, action: Action): boolean {
  return isWithinAny(jurisdiction, scopeUnitIds(principal, action));
}

/** A MongoDB / mingo filter on a field */
export type JurisdictionFilter = Record<string, { $in: string[] }>;

/**
 * The query filter that keeps only what the principal may see through `action`, e.g.
 * `{ jurisdiction: { $in: ['v-12'] } }`: with `jurisdiction` an array holding the unit path, `$in`
 * matches when any element is one of the scope's units. A principal without the action gets
 * `{ $in: [] }`, which matches nothing. Combine it with the caller's own filter by `$and`.
 */
export function jurisdictionFilter(principal: Principal, action: Action, field = 'jurisdiction'): JurisdictionFilter {
  return { [field]: { $in: scopeUnitIds(principal, action) } };
}

export interface ResourceRef {
  /** e.g. `case`, `mediation`, `petition`, `user` */
  type: string;
  id?: string;
}

/**
 * For handlers, after loading a resource and before deciding: throws ForbiddenError (403) and logs
 * the denial unless the principal may perform `action` on a resource with this jurisdiction.
 */
export function assertInJurisdiction(principal: Principal, jurisdiction: UnitPath, action: Action, resource: ResourceRef): void {
  const allowedRoles = principal.roles.filter((role) => ROLE_ACTIONS[role].includes(action));
  const reason = allowedRoles.length === 0 ? 'AUTH.ACTION_FORBIDDEN' : inJurisdiction(principal, jurisdiction, action) ? undefined : 'AUTH.OUT_OF_JURISDICTION';
  if (!reason) return;
  denialLog.record({
    status: 403,
    reason,
    userId: principal.userId,
    roles: [...principal.roles],
    action,
    resource: { ...resource, jurisdiction: [...jurisdiction] },
  });
  throw reason === 'AUTH.ACTION_FORBIDDEN'
    ? new ForbiddenError(reason, '您的角色无权执行此操作', { action })
    : new ForbiddenError(reason, '该事项不在您的管辖范围内', { action });
}

/**
 * Whether the principal may see parties' personal data of a resource with this jurisdiction:
 * through a role with `personal_data.read` whose scope covers it; for an auditor, only inside the
 * scope's `personalDataUnitIds`. With no jurisdiction known, only non-auditor roles qualify (they
 * could only have loaded the resource inside their own unit).
 */
export function mayReadPersonalData(principal: Principal | undefined, jurisdiction?: UnitPath): boolean {
  if (!principal) return false;
  return principal.roles.some((role) => {
    if (!ROLE_ACTIONS[role].includes('personal_data.read')) return false;
    if (role === 'auditor') return jurisdiction !== undefined && isWithinAny(jurisdiction, principal.auditScope?.personalDataUnitIds ?? []);
    return jurisdiction === undefined || isWithinAny(jurisdiction, [principal.unitId]);
  });
}
