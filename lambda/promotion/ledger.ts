/**
 * The promotion ledger: every decision about a model's versions, in order, with who or what made it,
 * when, why and the metrics it rested on. It is what an auditor asks for ("why is version 7 in
 * production, who approved it, what did it beat?"), and what MLflow cannot answer (it keeps no history
 * of its aliases, mlflow#2169).
 *
 * One port, two adapters: DynamoDB (KMS, point-in-time recovery; `adapters/dynamodb-ledger.ts`) for the
 * deployed platform and a local one for the CLI and tests. The retraining trigger's S3 ledger
 * (`lambda/retraining/ledger.ts`) keeps its working state; each of its decisions is mirrored here.
 *
 * Entries are append-only and idempotent: an entry is identified by `(modelId, id)`, and appending the
 * same id twice writes once (a retried Lambda or a redelivered event adds nothing).
 */

export const LEDGER_ENTRY_FORMAT = 'driftwatch.ledger-entry/v1';

/** What happened, in the order a model's life goes through them. */
export type LedgerEventKind =
  /** The retraining trigger decided on a monitor event: started or skipped, with the reason. */
  | 'trigger'
  /** A pipeline execution ended (succeeded, failed in a step, stopped). */
  | 'execution'
  /** The validation gates ran on a candidate: pass or fail, each check with value, threshold and delta. */
  | 'gates'
  /** A candidate was registered in the Model Package Group (PendingManualApproval). */
  | 'registered'
  /** The candidate started serving as a shadow variant beside the champion. */
  | 'shadow'
  /** The candidate's metrics against the champion's on the same labelled shadow rows, and the test's verdict. */
  | 'shadow-comparison'
  /** The package's approval status changed (manually in Studio, or automatically where the policy allows). */
  | 'approval'
  /** The candidate became the champion (blue/green canary finished); the previous champion is the last known good. */
  | 'promotion'
  /** A deployment was rolled back: by the canary's alarms, or to a last known good version on request. */
  | 'rollback';

/** Who or what made the decision. */
export interface LedgerActor {
  /** `system` for Driftwatch's own steps, `person` for a user (the CLI, a Studio approval). */
  readonly type: 'system' | 'person';
  /** The component (`retrain-trigger`, `gate-step`, `promotion/compare-shadow`) or the person's identity (IAM ARN, user name). */
  readonly id: string;
}

export interface LedgerEntry {
  readonly format: typeof LEDGER_ENTRY_FORMAT;
  readonly env: string;
  readonly modelId: string;
  /**
   * The entry's identity within the model, deterministic for the fact it records (the triggering event's
   * key, `<kind>:<execution id>`, `<kind>:<package version>:<attempt>`): appending it again writes nothing.
   */
  readonly id: string;
  /** When it happened (ISO 8601, UTC). History is ordered by this, then by `id`. */
  readonly at: string;
  readonly kind: LedgerEventKind;
  readonly actor: LedgerActor;
  /** The outcome in one word: `started`, `skipped`, `pass`, `fail`, `approved`, `rejected`, `better`, `worse`, `promoted`, `rolled-back`, ... */
  readonly outcome: string;
  /** Why, in a sentence the owner reads. */
  readonly reason: string;
  /** What it is about; every field optional, as each kind knows a different part. */
  readonly subject: {
    readonly modelPackageArn?: string;
    /** The Model Package Group version (and the MLflow registered model version, which mirrors it). */
    readonly version?: string;
    readonly pipelineExecutionArn?: string;
    readonly endpointName?: string;
    /** The champion the candidate was compared with or replaces. */
    readonly championVersion?: string;
    readonly mlflowRunId?: string;
    readonly datasetVersion?: string;
  };
  /** The figures the decision rested on (metric → value); `{}` when none. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Anything else the kind carries (the gate report, the trigger event, the comparison's test), JSON-serialisable. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AppendResult {
  /** False when an entry with this id was already there (nothing was changed). */
  readonly written: boolean;
}

export interface HistoryQuery {
  /** Only entries at or after this time (ISO 8601). */
  readonly since?: string;
  /** Only these kinds. */
  readonly kinds?: readonly LedgerEventKind[];
  /** At most this many, the newest ones (still returned oldest first). */
  readonly limit?: number;
}

export interface PromotionLedger {
  /** Appends the entry unless one with its `(modelId, id)` exists. */
  append(entry: LedgerEntry): Promise<AppendResult>;
  /** The model's entries, oldest first. */
  history(modelId: string, query?: HistoryQuery): Promise<LedgerEntry[]>;
  /** The model's entry with this id, or undefined: what a step reads to find the entry it wrote, without the whole history. */
  entry(modelId: string, id: string): Promise<LedgerEntry | undefined>;
}
