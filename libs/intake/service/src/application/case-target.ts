import { Principal } from '@fengqiao/identity';
import { IllegalStateError, ValidationError } from '@fengqiao/kernel';
import { Action } from '@fengqiao/platform';
import { fieldDetails } from '../reference/intake-reference';
import { IntakeCases, LoadedCase } from './intake-cases';

/**
 * The earlier case a report duplicates (merge, or decline as a repeat): not the case itself (400
 * naming the field), existing and in the caller's jurisdiction for the action (one 404
 * `INTAKE.TARGET_NOT_FOUND` for both, so nobody learns which case ids exist elsewhere), and not
 * itself merged away or declined (409: point at the case it went into instead).
 */
export async function loadDuplicateTarget(
  cases: IntakeCases,
  principal: Principal,
  caseId: string,
  targetId: string,
  action: Action,
  field = 'duplicateOf',
): Promise<LoadedCase> {
  if (targetId === caseId) {
    throw new ValidationError('INTAKE.DUPLICATE_OF_ITSELF', '不能把事件合并到它自己', fieldDetails(field, 'otherCase', '不能把事件合并到它自己'));
  }
  const target = (await cases.loadOther(principal, targetId, action)) as LoadedCase;
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
