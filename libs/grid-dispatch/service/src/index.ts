export * from './grid-dispatch.module';
