import { assertNever } from '@fengqiao/kernel';
import { DecideContext, Open, invalid, nonEmpty, withBasis } from './grid-case.decide-context';
import { GridCaseCommand, GridCaseEvent } from './grid-case.types';

/** Dispatch phase: 派单, 签收, 退单 and the ruling on it. */
export function decideDispatch(
  command: Extract<GridCaseCommand, { type: 'DispatchCase' | 'AcceptDispatch' | 'ObjectToDispatch' | 'RuleOnObjection' }>,
  state: Open,
  x: DecideContext,
): GridCaseEvent[] {
  const { meta, order, b } = x;
  switch (command.type) {
    case 'DispatchCase': {
      x.expect(state, ['filed', 'reopened']);
      x.requireCentre();
      if (!nonEmpty(command.data.unitId)) invalid('UNIT_REQUIRED', '请选择承办单位');
      const timer = x.startTimer(order, 'accept', meta.now);
      return [withBasis({ type: 'CaseDispatched', data: { ...b, unitId: command.data.unitId, timer } }, timer?.deadline)];
    }

    case 'AcceptDispatch': {
      x.expect(state, ['dispatched']);
      const unitId = x.requireAssignedUnit(order);
      const timer = x.startTimer(order, 'handle', meta.now);
      return [withBasis({ type: 'DispatchAccepted', data: { ...b, unitId, timer } }, timer?.deadline)];
    }

    case 'ObjectToDispatch': {
      x.expect(state, ['dispatched']);
      const unitId = x.requireAssignedUnit(order);
      x.requireReason();
      const timer = x.startTimer(order, 'rule_objection', meta.now);
      return [withBasis({ type: 'DispatchObjected', data: { ...b, unitId, timer } }, timer?.deadline)];
    }

    case 'RuleOnObjection': {
      x.expect(state, ['objection']);
      x.requireCentre();
      x.requireReason();
      const current = order.unitId ?? '';
      const { decision, newUnitId } = command.data;
      const timer = x.startTimer(order, 'accept', meta.now);
      if (decision === 'upheld') {
        if (!nonEmpty(newUnitId)) invalid('UNIT_REQUIRED', '退单成立时须指定新的承办单位');
        if (newUnitId === current) invalid('SAME_UNIT', '新的承办单位不能是退单单位');
        return [withBasis({ type: 'ObjectionUpheld', data: { ...b, previousUnitId: current, unitId: newUnitId, timer } }, timer?.deadline)];
      }
      if (decision === 'rejected') {
        if (newUnitId !== undefined && newUnitId !== current) invalid('NEW_UNIT_NOT_ALLOWED', '退单不成立时仍由原单位承办');
        return [withBasis({ type: 'ObjectionRejected', data: { ...b, unitId: current, timer } }, timer?.deadline)];
      }
      return invalid('INVALID_DECISION', `裁定结果无效：${String(decision)}`);
    }

    default:
      return assertNever(command, 'command');
  }
}
