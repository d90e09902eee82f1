export * from './evidence-bundle';
export * from './store-auditor';
export * from './audit-follower-state';
export * from './sqlite-audit-follower-state';
export * from './resume-recheck';
