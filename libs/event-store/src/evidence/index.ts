export * from './evidence-bundle';
export * from './store-auditor';
