/**
 * A Nest app for the auth specs: the platform's health module, HTTP edge (body parsers, input guard, validation pipe, error filter) and
 * CORS options, plus whatever modules a spec brings (IdentityModule, AuthModule, fixtures). Not
 * exported: services test through their real bootstrap.
 */
import { Module, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpEdge } from '../../bootstrap/http-edge';
import { HealthModule } from '../../health/health.module';
import { corsOptions } from '../cors';

export interface TestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

@Module({})
class AuthTestRoot {}

export async function startTestApp(imports: NonNullable<ModuleMetadata['imports']>, options: { consoleOrigin?: string } = {}): Promise<TestApp> {
  const app = await NestFactory.create({ module: AuthTestRoot, imports: [HealthModule.forRoot([]), ...imports] }, { logger: false, abortOnError: false });
  configureHttpEdge(app);
  app.enableCors(corsOptions(options.consoleOrigin));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}
