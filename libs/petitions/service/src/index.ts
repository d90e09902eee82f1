export * from './petitions.module';
