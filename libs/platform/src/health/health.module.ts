import { Controller, DynamicModule, Get, Inject, Module, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, TerminusModule } from '@nestjs/terminus';
import { HealthProbe } from './indicators';
import { Public } from '../auth/decorators';

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');

/** What the health routes need of the HTTP response (Express's has it). */
interface StatusResponse {
  status(code: number): unknown;
}

/** Registry that context modules add their probes to; /health runs them all. */
class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ type: 'integer', description: '进程已运行的秒数 (seconds since the process started)' }) uptimeSeconds!: number;
}

export class HealthRegistry {
  private readonly probes = new Map<string, HealthProbe>();
  add(probe: HealthProbe): void {
    if (this.probes.has(probe.key)) throw new Error(`health probe "${probe.key}" registered twice`);
    this.probes.set(probe.key, probe);
  }
  all(): HealthProbe[] {
    return [...this.probes.values()];
  }
}

/**
 * `/health` and `/health/ready`: every probe (storage, Kafka, MongoDB, relays, consumers, audit
 * logs); 503 while one is down, so a load balancer sends no requests here. `/health/live`: the
 * process answers, nothing more (its event loop turns); an orchestrator restarts a process only when
 * this fails, never because Kafka or MongoDB is down, which a restart does not cure.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(HealthRegistry) private readonly registry: HealthRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: '健康检查：各组件的状态' })
  @HealthCheck()
  @ApiOkResponse({ description: '所有依赖正常 (all dependencies up)' })
  @ApiServiceUnavailableResponse({ description: '至少一个依赖不可用，`error` 列出是哪些 (a dependency is down; `error` names which)' })
  check(@Res({ passthrough: true }) res: StatusResponse) {
    return this.run(res);
  }

  @Get('ready')
  @ApiOperation({ summary: '就绪检查：可以接收请求时为 200' })
  @HealthCheck()
  @ApiOkResponse({ description: '可以接收请求：所有依赖正常 (ready: all dependencies up; the same checks as /health)' })
  @ApiServiceUnavailableResponse({ description: '暂不接收请求：至少一个依赖不可用 (not ready: a dependency is down)' })
  ready(@Res({ passthrough: true }) res: StatusResponse) {
    return this.run(res);
  }

  /**
   * Every probe; with one down, 503 and the whole result (which probe, and why) instead of the
   * generic body the error filter gives a 5xx: the operator reading it needs to know what is down.
   */
  private async run(res: StatusResponse): Promise<HealthCheckResult & { code?: string; message?: string }> {
    try {
      return await this.health.check(
        this.registry.all().map((probe) => async () => {
          const session = this.indicator.check(probe.key);
          try {
            return session.up(await probe.check());
          } catch (e) {
            return session.down({ message: e instanceof Error ? e.message : String(e) });
          }
        }),
      );
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      const result = e.getResponse() as HealthCheckResult;
      res.status(503);
      const down = Object.keys(result.error ?? {});
      return { code: 'HEALTH.DEPENDENCY_DOWN', message: `依赖不可用：${down.join('、')} (down: ${down.join(', ')})`, ...result };
    }
  }

  @Get('live')
  @ApiOperation({ summary: '存活检查：进程在运行即为 200' })
  @ApiOkResponse({ type: LivenessResponse, description: '进程存活 (the process answers; dependencies are not checked)' })
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }
}

@Module({})
export class HealthModule {
  static forRoot(probes: HealthProbe[] = []): DynamicModule {
    const registry = new HealthRegistry();
    for (const p of probes) registry.add(p);
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: HealthRegistry, useValue: registry }],
      exports: [HealthRegistry],
    };
  }
}
