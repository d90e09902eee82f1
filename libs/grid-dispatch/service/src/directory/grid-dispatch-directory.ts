import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Directory } from '@fengqiao/identity';
import { directoryInUse, LIVE_DIRECTORY } from '@fengqiao/platform';
import { GRID_DISPATCH_OPTIONS } from '../application/grid-dispatch.tokens';
import { ResolvedGridDispatchOptions } from '../config/grid-dispatch.options';
import { UnitDirectory, unitDirectoryOf } from './unit-directory';

/**
 * The units grid-dispatch knows: the configured directory, else the live one (the built-in
 * issuer's in this process, or the one followed from identity.directory.events.v1), else none
 * (before the follower's first entry, unit ids are trusted as given).
 */
@Injectable()
export class GridDispatchDirectory {
  private readonly configured: UnitDirectory | undefined;
  private readonly live: () => Directory | undefined;
  private followed?: UnitDirectory;

  constructor(@Inject(GRID_DISPATCH_OPTIONS) options: ResolvedGridDispatchOptions, @Optional() @Inject(LIVE_DIRECTORY) live?: Directory) {
    this.configured = options.directory;
    this.live = directoryInUse(live);
  }

  current(): UnitDirectory | undefined {
    if (this.configured) return this.configured;
    const live = this.live();
    if (!live) return undefined;
    this.followed ??= unitDirectoryOf(live);
    return this.followed;
  }
}
