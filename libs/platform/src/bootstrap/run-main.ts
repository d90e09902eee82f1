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
  startService(def, config).then(
    (service) => {
      // one plain line whatever the log level: operators and scripts wait for it
      process.stderr.write(`fengqiao ${def.name}: listening on ${service.url} (${config.mode} mode)\n`);
      // Graceful stop: Nest closes modules (consumers drain, stores close), then exit 0.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`fengqiao ${def.name}: ${signal} received, stopping\n`);
        service.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`fengqiao ${def.name}: error while stopping: ${String(e)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (e: unknown) => {
      process.stderr.write(`fengqiao ${def.name}: failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
