/**
 * The replay's actions once a retrain starts: train on the newest labelled rows, the gate step on
 * their holdout, the shadow comparison on the next window, the promotion; and the canary check of a
 * promoted model's first window, which rolls back to the last known good (`lastKnownGood`) when the
 * candidate is worse there than the champion it replaced.
 */
import { sliceRows, type RowRange } from '../../core/dataset/slice-rows';
import { autoApproves } from '../../core/promotion/compare-shadow';
import { lastKnownGood, type ChampionChange } from '../../core/promotion/last-known-good';
import type { Dataset } from '../../core/types';
import type { ReplayContext } from './context';
import { labelledRows, labelsOf, loggedPredictions, targetsOf } from './rows';
import { gateStep, shadowStep, type Truth } from './steps';
import type { Predictions, TrainedModel } from './trainer';
import type { ReplayStep } from './types';

/** A model that served (or could serve): null `model` is the logged one, its answers in the data. */
export interface Served {
  readonly version: string;
  readonly model: TrainedModel | null;
  /** The rows it was trained on: its reference once it serves. */
  readonly reference: Dataset;
}

export function predict(ctx: ReplayContext, served: Served, rows: Dataset): Promise<Predictions> {
  return served.model ? served.model.predict(rows) : Promise.resolve(loggedPredictions(rows, { start: 0, end: rows.rowCount }, ctx.columns, ctx.task === 'regression'));
}

/** The rows' ground truth: their classes, or a regression's targets. */
function truthOf(ctx: ReplayContext, rows: Dataset): Truth {
  const column = rows.columns.find((c) => c.name === ctx.spec.label) ?? ctx.label;
  const all = { start: 0, end: rows.rowCount };
  return ctx.task === 'regression' ? { kind: 'regression', targets: targetsOf(column, all) } : { kind: 'classification', labels: labelsOf(column, all) };
}

/** The labelled rows a retrain at window `g` trains on: the newest `trainingRows` rows up to the window's end. */
function trainingRange(ctx: ReplayContext, g: number): RowRange {
  const end = ctx.grid[g].end;
  return { start: Math.max(0, end - ctx.trainingRows), end };
}

export interface RetrainOutcome {
  readonly steps: ReplayStep[];
  /** The candidate, when promoted after its shadow window. */
  readonly promoted: Served | null;
}

/** Trains a candidate at window `g`, gates it on the holdout, shadows it on window g + 1 and decides its promotion. */
export async function retrainAt(ctx: ReplayContext, champion: Served, g: number, version: string): Promise<RetrainOutcome> {
  const range = trainingRange(ctx, g);
  const rows = labelledRows(ctx.input.data, ctx.label, range);
  const holdoutRows = Math.max(1, Math.ceil(rows.rowCount * ctx.rc.training.holdoutShare));
  const train = sliceRows(rows, { start: 0, end: rows.rowCount - holdoutRows });
  const holdout = sliceRows(rows, { start: rows.rowCount - holdoutRows, end: rows.rowCount });
  ctx.progress(`window ${g}: retraining ${version} on rows ${range.start.toLocaleString('en-US')}–${range.end.toLocaleString('en-US')} (${ctx.input.trainer.name})…`);
  const model = await ctx.input.trainer.train(train, ctx.spec);
  const steps: ReplayStep[] = [{ kind: 'retrain', window: g, version, trainedOn: { ...range, rows: train.rowCount }, holdoutRows, description: model.description }];
  const candidate: Served = { version, model, reference: rows };
  const gated = gateStep({ truth: truthOf(ctx, holdout), candidate: await predict(ctx, candidate, holdout), champion: await predict(ctx, champion, holdout), championVersion: champion.version, positive: ctx.positive, gates: ctx.gates });
  const checks = gated.report.results.map((r) => ({ id: r.id, status: r.status, value: r.value, threshold: r.threshold, delta: r.delta }));
  steps.push({ kind: 'gates', window: g, version, verdict: gated.report.verdict, summary: gated.report.summary, checks });
  const notPromoted = (window: number, reason: string): RetrainOutcome => ({ steps: [...steps, { kind: 'promotion', window, version, outcome: 'not-promoted', reason }], promoted: null });
  if (gated.report.verdict === 'fail') return notPromoted(g, `the gates failed: ${gated.report.failures.map((f) => f.message).join('; ')}`);
  if (g + 1 >= ctx.grid.length) return notPromoted(g, 'no window is left for the shadow comparison');
  const shadowRows = sliceRows(ctx.input.data, ctx.grid[g + 1]);
  const c = shadowStep(truthOf(ctx, shadowRows), await predict(ctx, champion, shadowRows), await predict(ctx, candidate, shadowRows), ctx.shadow, ctx.classes, ctx.positive);
  steps.push({ kind: 'shadow', window: g + 1, version, verdict: c.verdict, champion: c.champion, candidate: c.candidate, summary: c.summary });
  if (!autoApproves(c.verdict)) return notPromoted(g + 1, `the shadow comparison was ${c.verdict}, not better: ${champion.version} stays the champion`);
  const after = g + 2 >= ctx.grid.length ? ' (after the history ends)' : '';
  steps.push({ kind: 'promotion', window: g + 2, version, outcome: 'promoted', reason: `the shadow comparison was better; ${version} replaces ${champion.version}${after}` });
  return { steps, promoted: after ? null : candidate };
}

/**
 * The canary: a promoted model's first window against the champion it replaced, on the same rows.
 * Worse there, the model rolls back to the last known good.
 * @returns the rollback step and the version to serve, or null when the promotion holds
 */
export async function canaryCheck(ctx: ReplayContext, served: Served, versions: ReadonlyMap<string, Served>, changes: readonly ChampionChange[], g: number): Promise<{ step: ReplayStep; to: Served } | null> {
  const target = lastKnownGood({ changes, currentChampion: served.version, approvedVersions: [...versions.keys()] });
  const previous = versions.get(target.version) as Served;
  const rows = sliceRows(ctx.input.data, ctx.grid[g]);
  const c = shadowStep(truthOf(ctx, rows), await predict(ctx, previous, rows), await predict(ctx, served, rows), ctx.shadow, ctx.classes, ctx.positive);
  if (c.verdict !== 'worse') return null;
  return { step: { kind: 'rollback', window: g, from: served.version, to: previous.version, reason: `canary: ${c.summary}; back to ${target.reason}` }, to: previous };
}
