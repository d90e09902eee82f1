import { DynamicModule, Inject, Injectable, OnModuleInit, Provider, Type } from '@nestjs/common';
import { HealthRegistry } from '../health/health.module';
import { ModuleReadyProbe } from '../health/indicators';
import { createInboundEventsController, INBOUND_HANDLER, InboundEventsLedger, InboundHandler } from './inbound-events';

/**
 * Each context module (intake, grid-dispatch, …) reports itself on /health once Nest has
 * initialised it, with what its consumer has received, so the standalone process shows all five
 * and a distributed one shows its own.
 */
export function contextReadyProvider(contextName: string): Provider {
  @Injectable()
  class ContextReady implements OnModuleInit {
    readonly probe: ModuleReadyProbe;
    constructor(@Inject(HealthRegistry) registry: HealthRegistry, @Inject(InboundEventsLedger) ledger: InboundEventsLedger) {
      this.probe = new ModuleReadyProbe(contextName, () => ({ consumed: ledger.snapshot() }));
      registry.add(this.probe);
    }
    onModuleInit(): void {
      this.probe.markReady();
    }
  }
  Object.defineProperty(ContextReady, 'name', { value: `ContextReady(${contextName})` });
  return ContextReady;
}

export interface ContextModuleParts {
  name: string;
  /** topics this context reacts to */
  subscribesTo: readonly string[];
  controllers?: Type<unknown>[];
  providers?: Provider[];
  imports?: DynamicModule['imports'];
  /** what to do with an inbound message; until a context has real reactions it only records them */
  inboundHandler?: InboundHandler;
}

/** Builds the dynamic module of a context from its parts (shared by all five contexts). */
export function buildContextModule(module: Type<unknown>, parts: ContextModuleParts): DynamicModule {
  return {
    module,
    imports: parts.imports ?? [],
    controllers: [...(parts.controllers ?? []), createInboundEventsController(parts.name, parts.subscribesTo)],
    providers: [
      InboundEventsLedger,
      { provide: INBOUND_HANDLER, useValue: parts.inboundHandler ?? (() => undefined) },
      contextReadyProvider(parts.name),
      ...(parts.providers ?? []),
    ],
  };
}
