export * from './upcaster-registry';
