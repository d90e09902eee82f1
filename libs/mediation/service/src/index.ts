export * from './mediation.module';
