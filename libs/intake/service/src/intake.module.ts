import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';

/** The intake context: hosted by services/intake (distributed) and services/standalone. */
@Module({})
export class IntakeModule {
  static register(): DynamicModule {
    return buildContextModule(IntakeModule, { name: 'intake' });
  }
}
