import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';

/** The grid-dispatch context: hosted by services/grid-dispatch (distributed) and services/standalone. */
@Module({})
export class GridDispatchModule {
  static register(): DynamicModule {
    return buildContextModule(GridDispatchModule, { name: 'grid-dispatch' });
  }
}
