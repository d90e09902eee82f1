// @fengqiao/platform/testing: route discovery and the role × jurisdiction route matrix the services' specs run.
// For specs and other testing code only.
export * from '../auth/testing/route-matrix';
