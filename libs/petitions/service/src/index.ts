export * from './petitions.module';
export { PetitionsModuleOptions } from './petitions.options';
/** for clients and journeys: how to answer the public form's challenge, and the demo's query code */
export { solveProofOfWork } from './public-petitions/proof-of-work';
export { DEMO_QUERY_CODE } from './demo/petitions-demo.seed';
