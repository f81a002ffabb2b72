/**
 * What the steps share: the ledger entry every step writes (deterministic id, the execution's name in
 * `details` so a later step of the same execution finds it) and reading the endpoint the promotion
 * changes.
 */
import { LEDGER_ENTRY_FORMAT, type LedgerActor, type LedgerEntry, type LedgerEventKind } from '../ledger';
import type { EndpointState, PromotionPorts } from '../ports';
import type { PromotionSettings } from '../settings';

export type StepPorts = PromotionPorts;

export interface EntryFields {
  readonly id: string;
  readonly kind: LedgerEventKind;
  readonly outcome: string;
  readonly reason: string;
  readonly executionName: string;
  readonly actor?: LedgerActor;
  readonly subject?: LedgerEntry['subject'];
  readonly metrics?: Readonly<Record<string, number>>;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Appends the entry and returns it as stored: a repeated step appends the entry it first wrote (the
 * ledger writes nothing for a known id), so a ledger wrapper such as the MLflow mirror
 * (`registry-mirror.ts`) still gets its second chance on the retry. When another writer's append of
 * the id won a race, theirs is returned (what a claim needs to learn who holds it).
 */
export async function record(ports: StepPorts, s: PromotionSettings, step: string, f: EntryFields): Promise<LedgerEntry> {
  const existing = await findEntry(ports, s, f.id);
  const entry: LedgerEntry = existing ?? {
    format: LEDGER_ENTRY_FORMAT,
    env: s.env,
    modelId: s.modelId,
    id: f.id,
    at: ports.clock.now().toISOString(),
    kind: f.kind,
    actor: f.actor ?? { type: 'system', id: `promotion/${step}` },
    outcome: f.outcome,
    reason: f.reason,
    subject: { endpointName: s.endpointName, ...f.subject },
    metrics: f.metrics ?? {},
    details: { executionName: f.executionName, ...f.details },
  };
  const { written } = await ports.ledger.append(entry);
  if (written || existing) return entry;
  return (await findEntry(ports, s, f.id)) ?? entry;
}

export async function findEntry(ports: StepPorts, s: PromotionSettings, id: string): Promise<LedgerEntry | undefined> {
  return ports.ledger.entry(s.modelId, id);
}

/** The execution's entries, oldest first. */
export async function executionEntries(ports: StepPorts, s: PromotionSettings, executionName: string): Promise<LedgerEntry[]> {
  return (await ports.ledger.history(s.modelId)).filter((e) => e.details?.executionName === executionName);
}

/** @throws Error naming the endpoint when it does not exist or serves no model package */
export async function servingEndpoint(ports: StepPorts, s: PromotionSettings): Promise<EndpointState & { production: { packageArn: string } }> {
  const ep = await ports.hosting.endpoint(s.endpointName);
  if (!ep) throw new Error(`endpoint ${s.endpointName} (promotion.endpointName of model ${s.modelId}) does not exist: promotion changes the endpoint serving the champion`);
  if (!ep.production.packageArn) throw new Error(`endpoint ${s.endpointName}: its production variant's model ${ep.production.modelName} was not made from a model package, so its version is not known`);
  return ep as EndpointState & { production: { packageArn: string } };
}

/** Moves the endpoint to `configName` unless it serves it or is already moving to it (a retried step). */
export async function moveEndpoint(ports: StepPorts, ep: EndpointState, configName: string, deployment?: Parameters<StepPorts['hosting']['updateEndpoint']>[2]): Promise<boolean> {
  if (ep.configName === configName || ep.pendingConfigName === configName) return false;
  await ports.hosting.updateEndpoint(ep.name, configName, deployment);
  return true;
}
