export * from './mediation.module';
export * from './mediation.options';
export * from './application/committees';
export * from './application/mediation-cases';
export * from './case-view/mediation-case.view';
export * from './publish/mediation.publish';
export * from './on-grid-case-referred/on-grid-case-referred.consumer';
