import { calendarRevisionSuite } from './testing/calendar-revision.suite';

describe('calendar notice loaded → open mediation cases and petitions revised (standalone: in-process bus, embedded stores)', () =>
  calendarRevisionSuite('standalone'));
