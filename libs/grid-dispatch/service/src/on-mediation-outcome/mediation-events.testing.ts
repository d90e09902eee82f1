import { IntegrationEvent, MediationCaseEventData, MediationCaseEventName, mediationContracts, topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { Bus, toCloudEventMessage } from '@fengqiao/bus';
import { newId } from '@fengqiao/kernel';
import { BUS, toCloudEvent } from '@fengqiao/platform';

/** A mediation integration event as mediation's relay publishes it (for grid-dispatch's specs). */
export function mediationEvent(
  name: MediationCaseEventName,
  caseId: string,
  at: string,
  facts: Partial<MediationCaseEventData> = {},
): IntegrationEvent<MediationCaseEventData> {
  const id = newId();
  return {
    id,
    type: mediationContracts[name].type,
    source: '/fengqiao/mediation',
    subject: caseId,
    time: at,
    correlationId: id,
    causationId: id,
    data: {
      caseId,
      event: name,
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'mc-v-1-1'],
      at,
      actor: { userId: 'u-med-v-1-1', role: 'mediator', unitId: 'mc-v-1-1' },
      committeeId: 'mc-v-1-1',
      ...facts,
    },
  };
}

/** Refers a filed grid case to mediation as `operator`, has mediation open its case, and waits until the grid case shows the link. */
export async function referToMediation(
  h: {
    command(caseId: string, command: string, as: string, body?: unknown): Promise<{ status: number; body: unknown }>;
    call(method: string, path: string, options: { as: string }): Promise<{ status: number }>;
    app: { get<T>(token: unknown, options: { strict: false }): T };
  },
  gridCaseId: string,
  operator: string,
): Promise<string> {
  const res = await h.command(gridCaseId, 'refer', operator, { target: 'mediation', reason: '实为邻里纠纷，转人民调解' });
  if (res.status !== 200) throw new Error(`refer ${gridCaseId}: ${res.status} ${JSON.stringify(res.body)}`);
  const event = validateIntegrationEvent(
    mediationEvent('DisputeRegistered', `med-${newId()}`, new Date().toISOString(), { source: 'referred_from_grid_case', gridCaseId }),
  );
  await h.app.get<Bus>(BUS, { strict: false }).publish(topics.mediationCase, [toCloudEventMessage(toCloudEvent(event), event.subject)]);
  const deadline = Date.now() + 10_000;
  while ((await h.call('GET', `/grid-dispatch/cases/${gridCaseId}/mediation`, { as: 'op.d' })).status !== 200) {
    if (Date.now() > deadline) throw new Error(`grid case ${gridCaseId} never showed its mediation case`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return gridCaseId;
}
