import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';

/** The mediation context: hosted by services/mediation (distributed) and services/standalone. */
@Module({})
export class MediationModule {
  static register(): DynamicModule {
    return buildContextModule(MediationModule, { name: 'mediation' });
  }
}
