/**
 * A whole-store verification names the events that fail. An auditor whose scope is one town must
 * learn that the store does not verify (the store is one chain of custody), but not which cases of
 * other units exist or what their stream ids are: a failure about an event outside the scope keeps
 * its check and reason, loses the event's reference and detail, and says so.
 */
import type { IntegrityFailure, StoreVerification } from '@fengqiao/event-store';

export const OUT_OF_SCOPE_DETAIL = '审计范围外的事件未通过核验（详情仅对该事件所属范围的审计人员可见）';

export interface ScopedStoreVerification extends StoreVerification {
  /** failures about events outside the auditor's scope, shown without their reference */
  outOfScopeFailures: number;
}

export async function redactOutOfScope(result: StoreVerification, visible: (streamId: string) => Promise<boolean>): Promise<ScopedStoreVerification> {
  const seen = new Map<string, boolean>();
  const isVisible = async (streamId: string) => {
    if (!seen.has(streamId)) seen.set(streamId, await visible(streamId));
    return seen.get(streamId) as boolean;
  };
  let hidden = 0;
  const failures: IntegrityFailure[] = [];
  for (const f of result.failures) {
    const refs = [f.event, f.suspectLeaves?.firstEvent].filter((r) => r !== undefined);
    let inScope = true;
    for (const r of refs) if (!(await isVisible(r.streamId))) inScope = false;
    if (inScope) {
      failures.push(f);
      continue;
    }
    hidden += 1;
    const { event: _e, suspectLeaves, ...rest } = f;
    failures.push({
      ...rest,
      detail: OUT_OF_SCOPE_DETAIL,
      ...(suspectLeaves ? { suspectLeaves: { from: suspectLeaves.from, to: suspectLeaves.to } } : {}),
    });
  }
  const { firstFailure: _f, ...base } = result;
  return { ...base, failures, ...(failures[0] ? { firstFailure: failures[0] } : {}), outOfScopeFailures: hidden };
}
