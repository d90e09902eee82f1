import { Inject, Injectable } from '@nestjs/common';
import { CentreLevel, Urgency } from '@fengqiao/intake-domain';
import { assertInJurisdiction, CaseCommandResult, CommandRequest } from '@fengqiao/platform';
import { IntakeCases } from '../application/intake-cases';

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

  handle(caseId: string, input: FileInput, request: CommandRequest): Promise<CaseCommandResult> {
    const ref = this.cases.reference;
    const { principal } = request;
    const category = input.category?.trim();
    const gridId = input.gridId;
    return this.cases.run({
      ...request,
      caseId,
      reason: input.reason,
      authorize: () => {
        if (category !== undefined) ref.requireCategory(category);
        if (typeof gridId === 'string') {
          ref.requireGrid(gridId);
          assertInJurisdiction(principal, ref.pathOf(gridId), request.action, { type: 'grid', id: gridId });
        }
      },
      command: (_, meta) => ({
        type: 'FileCase',
        data: {
          caseId,
          level: input.level ?? ref.centreLevelOf(ref.receivingCentreOf(principal.unitId)) ?? 'district',
          ...(category !== undefined ? { category } : {}),
          ...(input.urgency !== undefined ? { urgency: input.urgency } : {}),
          ...(gridId !== undefined ? { gridId } : {}),
        },
        meta,
      }),
    });
  }
}
