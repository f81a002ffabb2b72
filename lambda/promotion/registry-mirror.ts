/**
 * The Model Registry mirrored into MLflow: each promotion fact the ledger records moves the MLflow
 * registered model's aliases as `lambda/retraining/tracking.ts` (`aliasChanges`) says, and tags the
 * version with what happened to it, so MLflow's UI shows which version is `champion`, `shadow`,
 * `previous`. The ledger stays the record (MLflow keeps no history of its aliases, mlflow#2169).
 *
 * The shadow comparison, the approval and a canary's start or alarm rollback move no alias but are
 * tagged on the version too (`driftwatch.ledger.<kind>`), so every promotion step shows in MLflow.
 *
 * `MirroringLedger` wraps the ledger port: an append is mirrored after it is written, and again on a
 * repeat (a retried step), so a mirror that failed once is made on the retry; a move already made is
 * not made twice. A mirror that fails throws, which fails the step, so Step Functions retries it.
 *
 * A ledger entry names the SageMaker package version; the MLflow version is found by its
 * `driftwatch.sagemaker.model_package_arn` tag (set when the candidate was registered), since the two
 * registries number their versions independently.
 */
import type { ExperimentTracker } from '../retraining/ports';
import { MODEL_PACKAGE_TAG, type RegistryEvent } from '../retraining/tracking';
import { applyRegistryEvent } from '../retraining/track-run';
import type { AppendResult, HistoryQuery, LedgerEntry, PromotionLedger } from './ledger';

/** What an entry does to the registry: a registry event, a shadow that ended, or nothing. */
export type RegistryMove = { readonly event: RegistryEvent } | { readonly endShadow: true } | null;

/** The registry move of a ledger entry. Pure. */
export function registryMoveOf(entry: LedgerEntry): RegistryMove {
  const version = entry.subject.version;
  if (version === undefined) return null;
  if (entry.kind === 'registered') return { event: { kind: 'registered', version } };
  if (entry.kind === 'shadow' && entry.outcome === 'started') return { event: { kind: 'shadowed', version } };
  if (entry.kind === 'shadow' && entry.outcome === 'ended') return { endShadow: true };
  if (entry.kind === 'promotion' && entry.outcome === 'promoted') return { event: { kind: 'promoted', version } };
  // A canary rolled back by its alarms never changed the champion: nothing to move.
  if (entry.kind === 'rollback' && entry.outcome === 'rolled-back') return { event: { kind: 'rolled-back', to: version } };
  return null;
}

/**
 * The kinds of entry that name a version and are told on it in MLflow: those that move an alias, and
 * the shadow comparison, the approval, the canary's start and its rollback, which move none.
 */
const MIRRORED_KINDS: ReadonlySet<LedgerEntry['kind']> = new Set(['registered', 'shadow', 'shadow-comparison', 'approval', 'promotion', 'rollback']);

/** The version tag of an entry's kind: its latest entry of that kind (the ledger keeps them all). */
export function ledgerTagKey(kind: LedgerEntry['kind']): string {
  return `driftwatch.ledger.${kind}`;
}

/** `<outcome> at <when> by <who>: <why> [<metric>=<value>, ...]`, within MLflow's tag value length. Pure. */
export function ledgerTagValue(entry: LedgerEntry): string {
  const metrics = Object.entries(entry.metrics).map(([k, v]) => `${k}=${v}`);
  const text = `${entry.outcome} at ${entry.at} by ${entry.actor.id}: ${entry.reason}${metrics.length > 0 ? ` [${metrics.join(', ')}]` : ''}`;
  return text.length > 5000 ? `${text.slice(0, 4999)}…` : text;
}

/** Whether the aliases already show the event (the mirror of a repeated append). Pure. */
export function alreadyMirrored(aliases: Readonly<Record<string, string>>, event: RegistryEvent, mlflowVersion: string): boolean {
  switch (event.kind) {
    case 'registered':
      return aliases.challenger === mlflowVersion || aliases.shadow === mlflowVersion || aliases.champion === mlflowVersion;
    case 'shadowed':
      return aliases.shadow === mlflowVersion || aliases.champion === mlflowVersion;
    case 'promoted':
    case 'rolled-back':
      return aliases.champion === mlflowVersion;
  }
}

export interface RegistryMirrorOptions {
  /** The MLflow registered model (the Model Package Group's name). */
  readonly registeredModelName: string;
}

export class MirroringLedger implements PromotionLedger {
  constructor(
    private readonly inner: PromotionLedger,
    private readonly tracker: ExperimentTracker,
    private readonly options: RegistryMirrorOptions,
  ) {}

  async append(entry: LedgerEntry): Promise<AppendResult> {
    const result = await this.inner.append(entry);
    await this.mirror(entry);
    return result;
  }

  history(modelId: string, query?: HistoryQuery): Promise<LedgerEntry[]> {
    return this.inner.history(modelId, query);
  }

  entry(modelId: string, id: string): Promise<LedgerEntry | undefined> {
    return this.inner.entry(modelId, id);
  }

  /** @throws naming the entry, the version and MLflow's answer */
  async mirror(entry: LedgerEntry): Promise<void> {
    if (entry.subject.version === undefined || !MIRRORED_KINDS.has(entry.kind)) return;
    const move = registryMoveOf(entry);
    const name = this.options.registeredModelName;
    const where = `mirroring ledger entry ${entry.id} (${entry.kind} ${entry.outcome}, version ${entry.subject.version}) into MLflow model ${name}`;
    try {
      const version = await this.mlflowVersion(entry);
      if (version === null) {
        // A shadow that ended on a version MLflow never had leaves nothing to clear.
        if (move !== null && 'endShadow' in move) return;
        throw new Error(`no MLflow version of ${name} has ${MODEL_PACKAGE_TAG} = ${entry.subject.modelPackageArn ?? '(the entry names no package)'}`);
      }
      if (move !== null) {
        const aliases = await this.tracker.getAliases(name);
        if ('endShadow' in move) {
          if (aliases.shadow === version) await this.tracker.deleteAlias(name, 'shadow');
        } else {
          const event = move.event.kind === 'rolled-back' ? { kind: 'rolled-back' as const, to: version } : { ...move.event, version };
          if (!alreadyMirrored(aliases, event, version)) await applyRegistryEvent(this.tracker, name, event, aliases);
        }
      }
      await this.tracker.setModelVersionTags(name, version, { [ledgerTagKey(entry.kind)]: ledgerTagValue(entry) });
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }

  private async mlflowVersion(entry: LedgerEntry): Promise<string | null> {
    const arn = entry.subject.modelPackageArn;
    if (arn === undefined) return null;
    const found = await this.tracker.findModelVersionByTag(this.options.registeredModelName, { key: MODEL_PACKAGE_TAG, value: arn });
    return found?.version ?? null;
  }
}
