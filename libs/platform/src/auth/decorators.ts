import { createParamDecorator, SetMetadata, UnauthorizedException, type ExecutionContext, type Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Principal } from '@fengqiao/identity';
import type { Action } from './actions';

export const PUBLIC_ROUTE = 'fengqiao:auth:public';
export const REQUIRED_ACTION = 'fengqiao:auth:action';
export const RATE_LIMIT = 'fengqiao:auth:rate-limit';

/**
 * Answers without a token. Only health, the built-in issuer's login/refresh/logout/JWKS and the
 * published Open311 read endpoints may carry it.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The action a route performs (role × action table). Every route that is not @Public must declare
 * one: the AuthGuard refuses unclassified routes (fail closed). Jurisdiction is then checked in the
 * handler with `assertInJurisdiction` or in the query with `jurisdictionFilter`.
 */
export const RequireAction = (action: Action): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ACTION, action);

export type RateLimitName = 'login' | 'intake' | 'petition_public';

/** Puts a route under a named rate limit (per client IP, or per user once authenticated). */
export const RateLimit = (name: RateLimitName): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT, name);

/** The principal the AuthGuard established, stored on the request. */
export const PRINCIPAL = Symbol('fengqiao:principal');

export interface RequestWithPrincipal {
  [PRINCIPAL]?: Principal;
}

export function principalOfRequest(req: unknown): Principal | undefined {
  return typeof req === 'object' && req !== null ? (req as RequestWithPrincipal)[PRINCIPAL] : undefined;
}

/** Handler parameter: the authenticated principal (401 if a public route asks for it without a token). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOfRequest(ctx.switchToHttp().getRequest());
  if (!principal) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: '请先登录' });
  return principal;
});

export type RouteAccess = { kind: 'public' } | { kind: 'action'; action: Action } | { kind: 'unclassified' };

/**
 * How a route is guarded, from its decorators (method first, then class); controllers listed in
 * `publicControllers` (the platform's /health) are public. The AuthGuard and the route matrix
 * both use this, so they cannot disagree.
 */
export function routeAccessOf(reflector: Reflector, handler: object, controller: Type<unknown>, publicControllers: readonly Type<unknown>[]): RouteAccess {
  const targets = [handler as () => unknown, controller];
  if (reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) || publicControllers.includes(controller)) return { kind: 'public' };
  const action = reflector.getAllAndOverride<Action | undefined>(REQUIRED_ACTION, targets);
  return action ? { kind: 'action', action } : { kind: 'unclassified' };
}
