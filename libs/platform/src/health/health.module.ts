import { Controller, DynamicModule, Get, Inject, Module } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { HealthProbe } from './indicators';
import { Public } from '../auth/decorators';

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');

/** Registry that context modules add their probes to; /health runs them all. */
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
  @HealthCheck()
  @ApiOkResponse({ description: '所有依赖正常 (all dependencies up)' })
  @ApiServiceUnavailableResponse({ description: '至少一个依赖不可用 (a dependency is down)' })
  check() {
    return this.health.check(
      this.registry.all().map((probe) => async () => {
        const session = this.indicator.check(probe.key);
        try {
          return session.up(await probe.check());
        } catch (e) {
          return session.down({ message: e instanceof Error ? e.message : String(e) });
        }
      }),
    );
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
