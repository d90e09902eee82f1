import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { BuiltInIssuer } from '@fengqiao/identity';
import { HealthController } from '../health/health.module';
import { loadAuthConfig, type AuthConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS, type AuthModuleOptions, type ResolvedAuthOptions } from './auth.options';
import { PersonalDataInterceptor } from './personal-data';
import { DEFAULT_RATE_LIMITS, RateLimitGuard } from './rate-limit';
import { TokenVerifier, type SubjectDirectory } from './token-verifier';
import { LIVE_DIRECTORY } from './directory-events';

function resolve(options: AuthModuleOptions): ResolvedAuthOptions {
  return {
    options,
    publicControllers: options.publicControllers ?? [HealthController],
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...(options.rateLimits ?? {}) },
  };
}

function verifierFor(resolved: ResolvedAuthOptions, issuer: BuiltInIssuer | undefined, followed: SubjectDirectory | undefined): TokenVerifier {
  const o = resolved.options;
  // logouts take effect at once when the tokens come from the issuer in this very process, and
  // subjects are checked against its live directory (exists and active in the version named, active now)
  const sameIssuer = issuer && issuer.issuer === o.issuer ? issuer : undefined;
  const isSessionRevoked = sameIssuer ? (sid: string) => sameIssuer.isSessionRevoked(sid) : undefined;
  const common = {
    issuer: o.issuer,
    audience: o.audience,
    clock: o.clock,
    clockToleranceSeconds: o.clockToleranceSeconds,
    maxLifetimeSeconds: o.maxTokenLifetimeSeconds,
    // elsewhere (distributed), against the directory followed from identity.directory.events.v1
    ...(sameIssuer ? { directory: sameIssuer.directory } : followed ? { directory: followed, directoryWaitMs: o.directoryWaitMs ?? 10_000 } : {}),
  };
  if (o.mode === 'distributed') return new TokenVerifier({ ...common, keys: new URL(o.jwksUrl), isSessionRevoked });
  const keys = o.keys ?? issuer?.jwks();
  if (!keys) throw new Error('AuthModule (standalone): give `keys`, or import IdentityModule so the built-in issuer runs in this process');
  return new TokenVerifier({ ...common, keys, isSessionRevoked });
}

/** Options for AuthModule from the loaded configuration. */
export function authModuleOptions(config: AuthConfig): AuthModuleOptions {
  const common = {
    issuer: config.issuer,
    audience: config.audience,
    rateLimits: config.rateLimits,
    maxTokenLifetimeSeconds: config.maxAccessTokenLifetimeSeconds,
    directoryWaitMs: config.directoryWaitMs,
  };
  // the issuer's own host verifies with its own keys; other distributed services fetch the JWKS
  if (config.mode === 'distributed' && !config.hostIssuer && config.jwksUrl) return { ...common, mode: 'distributed', jwksUrl: config.jwksUrl };
  return { ...common, mode: 'standalone' };
}

/**
 * Authentication and authorization for a service app: a global AuthGuard (bearer JWT + role ×
 * action), a global rate-limit guard for @RateLimit routes, and the global PersonalDataInterceptor.
 * Add it to `ServiceAppDefinition.imports`.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions | (() => AuthModuleOptions | Promise<AuthModuleOptions>)): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useFactory: async () => resolve(typeof options === 'function' ? await options() : options) },
        {
          provide: TokenVerifier,
          useFactory: verifierFor,
          inject: [AUTH_OPTIONS, { token: BuiltInIssuer, optional: true }, { token: LIVE_DIRECTORY, optional: true }],
        },
        ThrottlerStorageService,
        // order matters: authenticate first, so rate limits can count per user
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: APP_GUARD,
          useFactory: async (resolved: ResolvedAuthOptions, storage: ThrottlerStorageService) => {
            const guard = RateLimitGuard.create(resolved.rateLimits, storage);
            await guard.onModuleInit();
            return guard;
          },
          inject: [AUTH_OPTIONS, ThrottlerStorageService],
        },
        { provide: APP_INTERCEPTOR, useClass: PersonalDataInterceptor },
      ],
      exports: [AUTH_OPTIONS, TokenVerifier],
    };
  }

  /** Reads the environment when the app starts (a bad setting stops the start). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return AuthModule.forRoot(() => authModuleOptions(loadAuthConfig(env)));
  }
}
