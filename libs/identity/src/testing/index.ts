// @fengqiao/identity/testing: the fixture directory (units, users, issuer) and the AuthStore contract suite.
// For specs and other testing code only.
export * from './fixture-directory';
export * from './auth-store.contract';
