/**
 * HTTP face of the built-in issuer (libs/identity): login, refresh, logout, JWKS, the caller's own
 * account, and the directory for admins. Standalone mode hosts it in the one process; in distributed
 * mode it runs in the `analytics` service (AUTH_BUILTIN_ISSUER=true there, one replica) unless an
 * external OIDC provider issues the tokens: see libs/identity/README.md.
 */
import {
  Body,
  Controller,
  DynamicModule,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  Module,
  OnModuleDestroy,
  Param,
  Post,
  Put,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  affectedUnitPaths,
  AuthenticationError,
  BuiltInIssuer,
  Directory,
  parseDirectoryChange,
  signingKeyFromPem,
  SqliteAuthStore,
  seedDirectory,
  type DirectorySeed,
  SqliteDirectoryJournal,
  type DirectoryEntry,
  type JsonWebKeySet,
  type Principal,
  type TokenPair,
  type Unit,
  UNIT_KINDS,
} from '@fengqiao/identity';
import { DIRECTORY_CHANGE_TYPES } from '@fengqiao/contracts';
import { NotFoundError } from '@fengqiao/kernel';
import { actionsOf, type Action } from './actions';
import { directoryEventsRole, loadAuthConfig, type AuthConfig } from './auth.config';
import { AuthModule } from './auth.module';
import { CurrentPrincipal, Public, RateLimit, RequireAction } from './decorators';
import { denialLog } from './denials';
import { assertInJurisdiction } from './jurisdiction';
import { directoryFollowerModule, directoryPublisherModule, LIVE_DIRECTORY } from './directory-events';

class LoginRequest {
  @IsString({ message: '请输入用户名' })
  @IsNotEmpty({ message: '请输入用户名' })
  @MaxLength(64, { message: '用户名过长' })
  username!: string;

  @IsString({ message: '请输入密码' })
  @IsNotEmpty({ message: '请输入密码' })
  @MaxLength(256, { message: '密码过长' })
  password!: string;
}

class RefreshRequest {
  @IsString({ message: '缺少刷新凭证' })
  @IsNotEmpty({ message: '缺少刷新凭证' })
  @MaxLength(128, { message: '刷新凭证无效' })
  refreshToken!: string;
}

class SetPasswordRequest {
  @IsString({ message: '请输入新密码' })
  @MaxLength(256, { message: '密码不能超过 256 位' })
  password!: string;
}

class DirectoryChangeRequest {
  @IsObject({ message: 'change 必须是对象' })
  change!: Record<string, unknown>;
}

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/** The tokens of a login or a refresh (what `TokenPair` holds), as the OpenAPI document describes them. */
class TokenPairResponse implements TokenPair {
  @ApiProperty({ description: '访问令牌（JWT, EdDSA），放在 Authorization: Bearer 中 (access token)' })
  accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';
  @ApiProperty({ description: '访问令牌的有效秒数 (seconds)', type: 'integer' })
  expiresIn!: number;
  @ApiProperty({ description: '刷新凭证：POST /auth/refresh 换新令牌，POST /auth/logout 结束会话 (refresh token)' })
  refreshToken!: string;
  @ApiProperty({ description: '刷新凭证的有效秒数 (seconds)', type: 'integer' })
  refreshExpiresIn!: number;
}

class MeResponseDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ description: '姓名 (display name)' }) displayName!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() unitId!: string;
  @ApiProperty({ description: '所属单位名称 (unit name)' }) unitName!: string;
  @ApiProperty({ type: [String], description: '从区到本单位的单位编号 (district → … → unit)' }) unitPath!: string[];
  @ApiProperty({ type: 'integer' }) directoryVersion!: number;
  @ApiProperty({ type: [String], description: '可以执行的操作 (the actions the roles allow)' }) actions!: string[];
}

/** A public key of the token issuer (JWK, RFC 7517): the built-in issuer signs with Ed25519 (OKP). */
class PublicJwkResponse {
  @ApiProperty({ description: '密钥类型 (key type), e.g. OKP' }) kty!: string;
  @ApiProperty({ description: 'RFC 7638 指纹 (thumbprint)' }) kid!: string;
  @ApiProperty({ description: '签名算法 (algorithm), e.g. EdDSA' }) alg!: string;
  @ApiPropertyOptional({ enum: ['sig'] }) use?: string;
  @ApiPropertyOptional({ description: '曲线 (curve, OKP / EC), e.g. Ed25519' }) crv?: string;
  @ApiPropertyOptional({ description: '公钥 (public key, base64url; OKP / EC)' }) x?: string;
  @ApiPropertyOptional({ description: 'EC 公钥的 y 坐标 (base64url)' }) y?: string;
  @ApiPropertyOptional({ description: 'RSA 模数 (base64url)' }) n?: string;
  @ApiPropertyOptional({ description: 'RSA 指数 (base64url)' }) e?: string;
}

class JwksResponse {
  @ApiProperty({ type: [PublicJwkResponse] }) keys!: PublicJwkResponse[];
}

class UnitResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: UNIT_KINDS }) kind!: string;
  @ApiProperty({ description: '名称 (Chinese name)' }) name!: string;
  @ApiProperty({ type: String, nullable: true, description: '上级单位（区为 null）' }) parentId!: string | null;
  @ApiPropertyOptional({
    type: 'object',
    description: '网格边界：GeoJSON Polygon 或 MultiPolygon (grid boundary)',
    required: ['type', 'coordinates'],
    properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array', items: { type: 'array', items: {} } } },
  })
  boundary?: Record<string, unknown>;
  @ApiProperty({ description: '已撤销的单位保留在历史中，不再接受新用户或下级' }) retired!: boolean;
  @ApiProperty({ type: [String], description: '从区到本单位的单位编号 (district → … → unit)' }) path!: string[];
}

class DirectoryUnitsResponse {
  @ApiProperty({ type: 'integer', description: '组织目录版本 (directory version)' }) version!: number;
  @ApiProperty({ type: [UnitResponse] }) units!: UnitResponse[];
}

class DirectoryEntryResponse {
  @ApiProperty({ type: 'integer', description: '本次变更后的目录版本 (1, 2, 3 … without a gap)' }) version!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: '变更人 (user id)' }) by!: string;
  @ApiProperty({
    type: 'object',
    description: '所记录的变更（各类变更的其余字段见请求体）',
    required: ['type'],
    properties: { type: { type: 'string', enum: [...DIRECTORY_CHANGE_TYPES] } },
    additionalProperties: true,
  })
  change!: DirectoryEntry['change'];
}

/** AuthenticationError → 401 (429 with Retry-After while locked); the denial is logged without the username. */
function refuse(e: unknown, res: HeaderResponse, route: string): never {
  if (!(e instanceof AuthenticationError)) throw e;
  denialLog.record({ status: 401, reason: e.code, userId: null, roles: [], action: null, resource: { type: route } });
  if (e.code === 'AUTH.LOCKED') {
    res.setHeader('Retry-After', String(e.retryAfterSeconds ?? 60));
    throw new HttpException({ code: e.code, message: e.message, details: { retryAfterSeconds: e.retryAfterSeconds } }, HttpStatus.TOO_MANY_REQUESTS);
  }
  throw new UnauthorizedException({ code: e.code, message: e.message });
}

export interface MeResponse {
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  unitName: string;
  unitPath: string[];
  directoryVersion: number;
  actions: Action[];
}

@ApiTags('auth')
@Controller()
export class IdentityController {
  constructor(@Inject(BuiltInIssuer) private readonly issuer: BuiltInIssuer) {}

  @Post('auth/login')
  @ApiOperation({ summary: '登录：用户名和密码换取访问令牌和刷新令牌' })
  @Public()
  @RateLimit('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairResponse, description: '登录成功 (signed in)' })
  async login(@Body() body: LoginRequest, @Res({ passthrough: true }) res: HeaderResponse): Promise<TokenPair> {
    try {
      return await this.issuer.login(body.username, body.password);
    } catch (e) {
      return refuse(e, res, 'POST /auth/login');
    }
  }

  @Post('auth/refresh')
  @ApiOperation({ summary: '用刷新令牌换取新的令牌（刷新令牌随之轮换）' })
  @Public()
  @RateLimit('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairResponse, description: '换发新令牌 (new tokens; the refresh token is rotated)' })
  async refresh(@Body() body: RefreshRequest, @Res({ passthrough: true }) res: HeaderResponse): Promise<TokenPair> {
    try {
      return await this.issuer.refresh(body.refreshToken);
    } catch (e) {
      return refuse(e, res, 'POST /auth/refresh');
    }
  }

  /** Ends the session of the refresh token; answers 204 whether or not the token was known. */
  @Post('auth/logout')
  @ApiOperation({ summary: '退出：注销刷新令牌所属的会话' })
  @Public()
  @RateLimit('login')
  @HttpCode(204)
  logout(@Body() body: RefreshRequest): void {
    this.issuer.logout(body.refreshToken);
  }

  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: '令牌签发方的公钥（JWK Set），供各服务验证访问令牌' })
  @Public()
  @ApiOkResponse({ type: JwksResponse, description: '令牌签名公钥 (JWK Set)' })
  jwks(): JsonWebKeySet {
    return this.issuer.jwks();
  }

  @Get('auth/me')
  @ApiOperation({ summary: '当前用户：身份、角色、所属单位和可做的操作' })
  @ApiBearerAuth()
  @RequireAction('self.read')
  @ApiOkResponse({ type: MeResponseDto, description: '当前用户 (the signed-in user)' })
  me(@CurrentPrincipal() principal: Principal): MeResponse {
    const snapshot = this.issuer.directory.current();
    const user = snapshot.user(principal.userId);
    return {
      userId: principal.userId,
      username: principal.username,
      displayName: user?.displayName ?? principal.username,
      roles: [...principal.roles],
      unitId: principal.unitId,
      unitName: snapshot.unit(principal.unitId)?.name ?? principal.unitId,
      unitPath: principal.unitPath,
      directoryVersion: principal.directoryVersion,
      actions: actionsOf(principal),
    };
  }
}

@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(@Inject(BuiltInIssuer) private readonly issuer: BuiltInIssuer) {}

  /** Units and grid boundaries in force (no personal data). */
  @Get('units')
  @ApiOperation({ summary: '现行的单位和网格边界（不含个人信息）' })
  @RequireAction('directory.read')
  @ApiOkResponse({ type: DirectoryUnitsResponse })
  units(): { version: number; units: Unit[] } {
    const snapshot = this.issuer.directory.current();
    return { version: snapshot.version, units: snapshot.units() };
  }

  /** Records one change; an admin may only change what lies in their own unit's subtree. */
  @Post('changes')
  @ApiOperation({ summary: '记录一项组织目录变更（只能改本单位及下级）' })
  @RequireAction('directory.manage')
  @ApiCreatedResponse({ type: DirectoryEntryResponse, description: '已记录的变更 (the change as recorded)' })
  change(@Body() body: DirectoryChangeRequest, @CurrentPrincipal() principal: Principal): DirectoryEntry {
    const change = parseDirectoryChange(body.change);
    const snapshot = this.issuer.directory.current();
    for (const path of affectedUnitPaths(snapshot, change)) {
      assertInJurisdiction(principal, path, 'directory.manage', { type: 'directory' });
    }
    const entry = this.issuer.directory.apply(change, { by: principal.userId, at: this.issuer.now() });
    if (change.type === 'UserDisabled') this.issuer.revokeUser(change.userId, 'user_disabled');
    return entry;
  }

  @Put('users/:id/password')
  @ApiOperation({ summary: '重设用户密码' })
  @RequireAction('user.manage')
  @HttpCode(204)
  async setPassword(@Param('id') id: string, @Body() body: SetPasswordRequest, @CurrentPrincipal() principal: Principal): Promise<void> {
    const snapshot = this.issuer.directory.current();
    const user = snapshot.user(id);
    if (!user) throw new NotFoundError('DIRECTORY.USER_NOT_FOUND', '用户不存在', { userId: id });
    assertInJurisdiction(principal, snapshot.pathOf(user.unitId), 'user.manage', { type: 'user', id });
    await this.issuer.setPassword(id, body.password);
  }
}

export interface IdentityHost {
  issuer: BuiltInIssuer;
  /** releases the stores (called when the app closes) */
  close?: () => void;
}

export const IDENTITY_HOST = Symbol('IDENTITY_HOST');

@Injectable()
class IdentityShutdown implements OnModuleDestroy {
  constructor(@Inject(IDENTITY_HOST) private readonly host: IdentityHost) {}
  onModuleDestroy(): void {
    this.host.close?.();
  }
}

/**
 * Reference data an issuer loads into an EMPTY directory on its first start (the demo district in
 * standalone mode, a deployment's initial units and admin): units, users and their passwords.
 */
export interface IdentitySeed {
  directory: DirectorySeed;
  passwords: readonly { userId: string; password: string }[];
}

/**
 * Sets the seed's passwords, up to `concurrency` at a time (by default one per core, at most 4, the
 * size of libuv's thread pool where node:crypto's scrypt runs). Each hash is scrypt with its own salt,
 * ~90 ms of one core: the demo district's 94 users took ~8.5 s one after another, most of a fresh
 * demo start-up (issue 15), with the event loop idle. Resolves when all are set; the first failure
 * rejects once the hashes already started have ended (none is left running behind the caller).
 */
export async function seedPasswords(
  issuer: { setPassword(userId: string, password: string): Promise<void> },
  passwords: readonly { userId: string; password: string }[],
  concurrency = Math.min(4, availableParallelism()),
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < passwords.length) {
      const { userId, password } = passwords[next++];
      try {
        await issuer.setPassword(userId, password);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, passwords.length)) }, lane));
  if (failure) throw failure.error;
}

/** A built-in issuer on SQLite under the data directory, from the loaded configuration. */
export async function createSeededIdentityHost(config: AuthConfig, seed?: () => IdentitySeed | undefined): Promise<IdentityHost> {
  const host = createIdentityHost(config);
  const data = seed?.();
  if (data && host.directory.version === 0) {
    const entries = seedDirectory(host.directory, data.directory, { by: 'system:seed', at: new Date() });
    await seedPasswords(host.issuer, data.passwords);
    new Logger('Identity').log(`seeded the directory: ${entries.length} changes, ${data.passwords.length} passwords`);
  }
  return host;
}

export function createIdentityHost(config: AuthConfig): IdentityHost & { directory: Directory } {
  if (!config.signingKeyPem) throw new Error('createIdentityHost: this process is not configured to host the issuer (AUTH_BUILTIN_ISSUER)');
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'identity.sqlite');
  const journal = new SqliteDirectoryJournal(file);
  const store = new SqliteAuthStore(file);
  const logger = new Logger('Identity');
  const directory = Directory.open(journal);
  const issuer = new BuiltInIssuer({
    issuer: config.issuer,
    audience: config.audience,
    signingKey: signingKeyFromPem(config.signingKeyPem),
    previousPublicKeys: config.previousPublicKeys,
    directory,
    store,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
    lockout: config.lockout,
    logger: { info: (obj, msg) => logger.log({ ...obj, msg }), warn: (obj, msg) => logger.warn({ ...obj, msg }) },
  });
  return {
    issuer,
    directory,
    close: () => {
      store.close();
      journal.close();
    },
  };
}

/** Hosts the built-in issuer: exports `BuiltInIssuer` globally (AuthModule then verifies with its keys). */
@Module({})
export class IdentityModule {
  static forRoot(host: () => IdentityHost | Promise<IdentityHost>): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      controllers: [IdentityController, DirectoryController],
      providers: [
        { provide: IDENTITY_HOST, useFactory: host },
        { provide: BuiltInIssuer, useFactory: (h: IdentityHost) => h.issuer, inject: [IDENTITY_HOST] },
        { provide: LIVE_DIRECTORY, useFactory: (issuer: BuiltInIssuer) => issuer.directory, inject: [BuiltInIssuer] },
        IdentityShutdown,
      ],
      exports: [BuiltInIssuer, LIVE_DIRECTORY],
    };
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, seed?: () => IdentitySeed | undefined): DynamicModule {
    return IdentityModule.forRoot(() => createSeededIdentityHost(loadAuthConfig(env), seed));
  }
}

/**
 * The auth modules a service adds to its imports: the built-in issuer where it runs
 * (AUTH_BUILTIN_ISSUER, default on in standalone mode) and AuthModule everywhere; in distributed
 * mode the directory's publisher beside the issuer, its follower everywhere else
 * (AUTH_DIRECTORY_EVENTS, see directory-events.ts).
 */
export function authImports(env: NodeJS.ProcessEnv = process.env, seed?: () => IdentitySeed | undefined): DynamicModule[] {
  const mode = env['FENGQIAO_MODE'] ?? 'standalone';
  const raw = env['AUTH_BUILTIN_ISSUER'];
  const hosts = raw === undefined || raw === '' ? mode === 'standalone' : /^(1|true|yes)$/i.test(raw);
  const directoryEvents = directoryEventsRole(env);
  return [
    ...(hosts ? [IdentityModule.fromEnv(env, seed)] : []),
    ...(directoryEvents === 'publish' ? [directoryPublisherModule()] : []),
    ...(directoryEvents === 'follow' ? [directoryFollowerModule()] : []),
    AuthModule.fromEnv(env),
  ];
}
