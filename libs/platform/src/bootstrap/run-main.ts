import { ConfigError, loadServiceConfig, RunMode } from '../config/service-config';
import { ServiceAppDefinition, startService } from './create-app';

/**
 * Entry point of a deployable (services/<name>/src/main.ts): reads the configuration, starts the
 * service, and exits with a one-line reason when the configuration is wrong.
 */
export function runMain(def: ServiceAppDefinition, defaults: { port: number; mode: RunMode }): void {
  let config;
  try {
    config = loadServiceConfig(def.name, defaults);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`fengqiao ${def.name}: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  startService(def, config).catch((e: unknown) => {
    process.stderr.write(`fengqiao ${def.name}: failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
