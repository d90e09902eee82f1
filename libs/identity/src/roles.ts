import type { Role } from '@fengqiao/kernel';

/**
 * The roles a person can hold (DESIGN §1). `system` (timers, reactions to events) is a kernel
 * role for actors that are not people: no user holds it and no token carries it.
 */
export type UserRole = Exclude<Role, 'system'>;

export const USER_ROLES = ['operator', 'grid_worker', 'department', 'mediator', 'petition_officer', 'auditor', 'admin'] as const satisfies readonly UserRole[];

// Compile-time proof that USER_ROLES lists every UserRole: a role added to the kernel must be added here.
type Missing = Exclude<UserRole, (typeof USER_ROLES)[number]>;
const _allRolesListed: Missing extends never ? true : never = true;
void _allRolesListed;

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}
