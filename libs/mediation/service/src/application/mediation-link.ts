import type { MediationCases } from './mediation-cases';

/** Hands the runtime's consumers (built before Nest) the context's command path once Nest built it. */
export const MEDIATION_LINK = Symbol.for('fengqiao.mediation.link');

export class MediationLink {
  cases?: MediationCases;
  require(): MediationCases {
    if (!this.cases) throw new Error('the mediation context is not up yet');
    return this.cases;
  }
}
