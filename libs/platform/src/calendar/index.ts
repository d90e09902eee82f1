export * from './versioned-table';
export * from './calendar-catalog';
export * from './deadline-revision';
export * from './calendar-notices.service';
export * from './calendars.http.controller';
export * from './calendar.module';
export * from './calendar-following-runner';
