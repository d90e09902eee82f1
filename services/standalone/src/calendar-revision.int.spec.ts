import { describeIntegration, uniqueName, uniqueTopicPrefix } from '@fengqiao/testing';
import { calendarRevisionSuite } from './testing/calendar-revision.suite';

describeIntegration('calendar notice loaded → open mediation cases and petitions revised (distributed: real Kafka + FerretDB)', ['kafka', 'mongo'], (env) =>
  calendarRevisionSuite('distributed', () => ({
    AUTH_ISSUER: 'urn:fengqiao:calendar-revision-test',
    AUTH_BUILTIN_ISSUER: 'true',
    KAFKA_BROKERS: env().kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('calrev'),
    MONGO_URL: `${env().mongoUrl.replace(/\/[^/]*$/, '')}/${uniqueName('fq_calrev').replace(/-/g, '_')}`,
  })),
);
