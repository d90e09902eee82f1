import { DynamicModule, Provider, Type } from '@nestjs/common';
import { ContextRuntimeOptions, contextRuntimeProvider } from '../infrastructure/context-runtime';
import type { ContextAuditOptions } from '../audit/context-audit.options';

export interface ContextModuleParts {
  name: string;
  controllers?: Type<unknown>[];
  providers?: Provider[];
  imports?: DynamicModule['imports'];
  /** what the context publishes and consumes; its stores open with the app */
  runtime?: Omit<ContextRuntimeOptions, 'context'>;
  /** how the audit replays this context's streams (kinds, evolve, read models); its store is audited either way */
  audit?: ContextAuditOptions;
}

/**
 * Builds the dynamic module of a context from its parts (shared by all five contexts). Its
 * runtime (stores, relay, consumers) reports on /health under the context's name.
 */
export function buildContextModule(module: Type<unknown>, parts: ContextModuleParts): DynamicModule {
  return {
    module,
    imports: parts.imports ?? [],
    controllers: parts.controllers ?? [],
    providers: [
      ...contextRuntimeProvider({ context: parts.name, ...(parts.runtime ?? {}), ...(parts.audit ? { audit: parts.audit } : {}) }),
      ...(parts.providers ?? []),
    ],
    exports: [],
  };
}
