import { DynamicModule, Module } from '@nestjs/common';
import { Clock, systemClock } from '@fengqiao/kernel';
import { buildContextModule } from '../bootstrap/context-module';
import { CalendarRegions, calendarRegionsFromEnv, CALENDAR_CONTEXT, CalendarNoticesService, publishCalendarEvent } from './calendar-notices.service';
import { CALENDAR_NOTICES, CalendarsController } from './calendars.http.controller';

export interface CalendarModuleOptions {
  clock?: Clock;
  /** regions a local calendar may be loaded for (code → name); default CN + FENGQIAO_CALENDAR_REGIONS */
  regions?: CalendarRegions;
}

/**
 * The calendar module: holiday notices as reference data under /calendars, kept in the
 * `calendar-notices` stream of its own context store and published on
 * `calendar.notices.events.v1`. Hosted once: by services/standalone, and in distributed mode by
 * the analytics service (beside the token issuer). Every deadline-owning context keeps its
 * calendars current from the topic (`calendarConsumer`).
 */
@Module({})
export class CalendarModule {
  static register(options: CalendarModuleOptions = {}): DynamicModule {
    const service = new CalendarNoticesService(options.clock ?? systemClock, options.regions ?? calendarRegionsFromEnv(process.env));
    return buildContextModule(CalendarModule, {
      name: CALENDAR_CONTEXT,
      controllers: [CalendarsController],
      providers: [{ provide: CALENDAR_NOTICES, useValue: service }],
      runtime: {
        publish: publishCalendarEvent,
        onReady: (runtime) => service.start(runtime),
      },
    });
  }
}
