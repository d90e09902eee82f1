/**
 * Rate limits (DESIGN §7) with @nestjs/throttler: only routes marked `@RateLimit('login')` or
 * `@RateLimit('intake')` are counted, each name with its own limit. One bucket per name and client
 * (all login routes share it, so a guesser cannot spread over login and refresh); the client is the
 * authenticated user when there is one, else the IP address. Counters live in process memory: with
 * several replicas each counts alone (put a shared ThrottlerStorage behind it if that matters).
 */
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorageService, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { principalOfRequest, RATE_LIMIT, type RateLimitName } from './decorators';

export interface RateLimitSettings {
  /** requests allowed per window */
  limit: number;
  ttlSeconds: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitName, RateLimitSettings>> = {
  login: { limit: 10, ttlSeconds: 60 },
  intake: { limit: 60, ttlSeconds: 60 },
  // the public petition form and query-code routes, per client IP (no login)
  petition_public: { limit: 20, ttlSeconds: 60 },
};

const reflector = new Reflector();
const limitNameOf = (ctx: ExecutionContext): RateLimitName | undefined =>
  reflector.getAllAndOverride<RateLimitName | undefined>(RATE_LIMIT, [ctx.getHandler(), ctx.getClass()]);

export class RateLimitGuard extends ThrottlerGuard {
  static create(limits: Readonly<Record<RateLimitName, RateLimitSettings>>, storage: ThrottlerStorageService): RateLimitGuard {
    const options: ThrottlerModuleOptions = {
      throttlers: (Object.keys(limits) as RateLimitName[]).map((name) => ({
        name,
        limit: limits[name].limit,
        ttl: limits[name].ttlSeconds * 1000,
        skipIf: (ctx: ExecutionContext) => limitNameOf(ctx) !== name,
      })),
    };
    return new RateLimitGuard(options, storage, reflector);
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return ctx.getType() !== 'http' || limitNameOf(ctx) === undefined;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = principalOfRequest(req);
    return principal ? `user:${principal.userId}` : `ip:${String(req['ip'] ?? 'unknown')}`;
  }

  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
