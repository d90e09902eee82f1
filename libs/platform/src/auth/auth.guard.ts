import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, type Principal } from '@fengqiao/identity';
import { can } from './actions';
import { PRINCIPAL, routeAccessOf, type RequestWithPrincipal } from './decorators';
import { denialLog, type Denial } from './denials';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth.options';
import { TokenVerifier } from './token-verifier';

interface HttpRequest extends RequestWithPrincipal {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: string };
  params?: Record<string, string>;
}
interface HttpResponse {
  setHeader(name: string, value: string): void;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The global guard (registered by AuthModule): every HTTP route needs a valid bearer token and a
 * role allowed to perform the route's action, except routes marked @Public and the platform's
 * /health. Routes with neither @Public nor @RequireAction are refused (fail closed). Kafka
 * handlers are not HTTP and pass: the broker's own authentication covers them.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const access = routeAccessOf(this.reflector, context.getHandler(), context.getClass(), this.options.publicControllers);
    if (access.kind === 'public') return true;

    const route = `${req.method} ${req.route?.path ?? '?'}`;
    const resource = { type: route, ...(typeof req.params?.['id'] === 'string' ? { id: req.params['id'] } : {}) };
    const action = access.kind === 'action' ? access.action : null;

    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    let principal: Principal;
    try {
      if (!match) throw new AuthenticationError('AUTH.TOKEN_MISSING');
      principal = await this.verifier.verify(match[1]);
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      this.deny({ status: 401, reason: e.code, userId: null, roles: [], action, resource });
      res.setHeader('WWW-Authenticate', e.code === 'AUTH.TOKEN_MISSING' ? 'Bearer' : 'Bearer error="invalid_token"');
      throw new UnauthorizedException({ code: e.code, message: e.message });
    }

    const who = { userId: principal.userId, roles: [...principal.roles] };
    if (access.kind === 'unclassified') {
      this.logger.error(`${route} (${context.getClass().name}.${context.getHandler().name}) has neither @Public nor @RequireAction: refused`);
      this.deny({ status: 403, reason: 'AUTH.ROUTE_NOT_CLASSIFIED', ...who, action: null, resource });
      throw new ForbiddenException({ code: 'AUTH.ROUTE_NOT_CLASSIFIED', message: '该接口未配置访问权限，已拒绝' });
    }
    if (!can(principal, access.action)) {
      this.deny({ status: 403, reason: 'AUTH.ACTION_FORBIDDEN', ...who, action: access.action, resource });
      throw new ForbiddenException({ code: 'AUTH.ACTION_FORBIDDEN', message: '您的角色无权执行此操作' });
    }
    req[PRINCIPAL] = principal;
    return true;
  }

  private deny(denial: Denial): void {
    denialLog.record(denial);
  }
}
