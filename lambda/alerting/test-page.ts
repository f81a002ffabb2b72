/**
 * The routing check `driftwatch alert test` sends: a clearly marked test incident for one model,
 * through the same renderers as a real page, so what arrives is what a real page would look like
 * to the owner's PagerDuty service and Slack channel. Pure: no I/O.
 */
import type { Incident } from './incident';

export interface RoutingCheck {
  readonly env: string;
  readonly modelId: string;
  readonly ownerName: string;
  readonly now: Date;
}

/** `env/model/test/routing-check`: the test's trigger and resolve pair up, and never touch a real incident. */
export function routingCheckDedupKey(check: Pick<RoutingCheck, 'env' | 'modelId'>): string {
  return `${check.env}/${check.modelId}/test/routing-check`;
}

/** The test incident; `resolve` is the follow-up that closes it. */
export function routingCheckIncident(check: RoutingCheck, action: 'trigger' | 'resolve'): Incident {
  const where = `model ${check.modelId} (${check.env}), owner ${check.ownerName}`;
  const summary =
    action === 'trigger'
      ? `[TEST] Driftwatch routing check for ${where}: no action needed, this test alert is resolved right after it is sent.`
      : `[TEST] Driftwatch routing check for ${where}: resolved.`;
  return {
    test: true,
    action,
    subject: { env: check.env, modelId: check.modelId, window: null, signal: 'test:routing-check', severity: 'warning', dedupKey: routingCheckDedupKey(check) },
    title: `Driftwatch routing check: ${check.modelId}`,
    summary,
    timestamp: check.now.toISOString(),
    alarm: null,
    details: null,
    report: { status: 'none', uri: null, note: 'a routing check sent by driftwatch alert test' },
    links: [],
  };
}
