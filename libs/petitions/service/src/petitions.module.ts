import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';

/** The petitions context: hosted by services/petitions (distributed) and services/standalone. */
@Module({})
export class PetitionsModule {
  static register(): DynamicModule {
    return buildContextModule(PetitionsModule, { name: 'petitions' });
  }
}
