import { Principal } from '@fengqiao/identity';
import { IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { Action, assertInJurisdiction } from '@fengqiao/platform';
import { fieldDetails } from '../reference/intake-reference';
import { IntakeCases, LoadedCase } from './intake-cases';

/**
 * The earlier case a report duplicates (merge, or decline as a repeat): it must exist (400 naming
 * the field otherwise), lie in the caller's jurisdiction for the action (403), and not itself be
 * merged away or declined (409: point at the case it went into instead).
 */
export async function loadDuplicateTarget(cases: IntakeCases, principal: Principal, caseId: string, targetId: string, action: Action, field = 'duplicateOf'): Promise<LoadedCase> {
  if (targetId === caseId) {
    throw new ValidationError('INTAKE.DUPLICATE_OF_ITSELF', '不能把事件合并到它自己', fieldDetails(field, 'otherCase', '不能把事件合并到它自己'));
  }
  let target: LoadedCase;
  try {
    target = await cases.load(targetId);
  } catch (e) {
    if (e instanceof NotFoundError) {
      const message = `重复的原事件不存在：${targetId}`;
      throw new ValidationError('INTAKE.DUPLICATE_TARGET_NOT_FOUND', message, fieldDetails(field, 'existingCase', message));
    }
    throw e;
  }
  assertInJurisdiction(principal, target.jurisdiction, action, { type: 'case', id: targetId });
  if (target.state.status === 'merged_duplicate') {
    throw new IllegalStateError('INTAKE.DUPLICATE_TARGET_MERGED', `原事件 ${targetId} 本身已合并到 ${target.state.duplicateOf}，请合并到该事件`, {
      duplicateOf: targetId,
      mergedInto: target.state.duplicateOf,
    });
  }
  if (target.state.status === 'not_accepted') {
    throw new IllegalStateError('INTAKE.DUPLICATE_TARGET_DECLINED', `原事件 ${targetId} 已不予受理，不能作为合并目标`, { duplicateOf: targetId });
  }
  return target;
}
