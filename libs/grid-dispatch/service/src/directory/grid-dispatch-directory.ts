import { Inject, Injectable, Optional } from '@nestjs/common';
import { BuiltInIssuer } from '@fengqiao/identity';
import { GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { UnitDirectory, unitDirectoryOf } from './unit-directory';

/**
 * The units grid-dispatch knows: the configured directory, else the built-in issuer's in this
 * process (standalone), else none (a distributed replica trusts unit ids as given).
 */
@Injectable()
export class GridDispatchDirectory {
  private readonly directory: UnitDirectory | undefined;

  constructor(
    @Inject(GRID_DISPATCH_OPTIONS) options: ResolvedGridDispatchOptions,
    @Optional() @Inject(BuiltInIssuer) issuer?: BuiltInIssuer,
  ) {
    this.directory = options.directory ?? (issuer ? unitDirectoryOf(issuer.directory) : undefined);
  }

  current(): UnitDirectory | undefined {
    return this.directory;
  }
}
