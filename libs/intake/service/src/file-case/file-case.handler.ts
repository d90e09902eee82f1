import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '@fengqiao/identity';
import { CentreLevel, FileCase, Urgency } from '@fengqiao/intake-domain';
import { assertInJurisdiction } from '@fengqiao/platform';
import { CaseCommandResult, IntakeCases } from '../application/intake-cases';

export interface FileInput {
  level?: CentreLevel;
  category?: string;
  urgency?: Urgency;
  /** undefined: keep the report's grid; null: file without a grid; an id: (re)locate the case */
  gridId?: string | null;
  reason?: string;
}

/**
 * 立案 (a reported case is accepted at the same time). Resolving an unlocated case happens here:
 * the operator names its grid, which must be an active grid inside the operator's own
 * jurisdiction; the case's jurisdiction then becomes that grid's unit path. Category corrections
 * must name a known category. The level defaults to the level of the operator's centre.
 */
@Injectable()
export class FileCaseHandler {
  constructor(@Inject(IntakeCases) private readonly cases: IntakeCases) {}

  async handle(caseId: string, principal: Principal, input: FileInput, expectedRevision: number | undefined, correlationId?: string): Promise<CaseCommandResult> {
    const ref = this.cases.reference;
    await this.cases.loadFor(principal, caseId, 'case.file');
    if (input.category !== undefined) ref.requireCategory(input.category.trim());
    if (typeof input.gridId === 'string') {
      ref.requireGrid(input.gridId);
      assertInJurisdiction(principal, ref.pathOf(input.gridId), 'case.file', { type: 'grid', id: input.gridId });
    }
    const level = input.level ?? ref.centreLevelOf(ref.receivingCentreOf(principal.unitId)) ?? 'district';
    const command: FileCase = {
      type: 'FileCase',
      data: {
        caseId,
        level,
        ...(input.category !== undefined ? { category: input.category.trim() } : {}),
        ...(input.urgency !== undefined ? { urgency: input.urgency } : {}),
        ...(input.gridId !== undefined ? { gridId: input.gridId } : {}),
      },
      meta: this.cases.meta(this.cases.actorOf(principal, 'case.file'), correlationId, input.reason),
    };
    return this.cases.run(command, expectedRevision);
  }
}
