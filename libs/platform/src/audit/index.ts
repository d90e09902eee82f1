export * from './audit-registry';
export * from './audit-signing-key';
export * from './context-audit';
export * from './context-audit.options';
export * from './context-audit.http.controller';
export * from './scope-redaction';
export * from './audit.response';
