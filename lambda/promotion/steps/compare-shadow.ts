/**
 * compare-shadow: the candidate against the champion on the labelled rows both answered since the
 * shadow started (`lambda/sql/shadow-query.ts`, the test in `lambda/core/promotion/compare-shadow.ts`).
 * `insufficient` is progress, not a decision: it is returned and logged, not recorded. The first
 * decisive verdict of an execution is recorded, and a repeated call returns the recorded one rather
 * than judging again on more rows (the state machine branches on one verdict).
 */
import { compareShadow, type ShadowEvidence } from '../../core/promotion/compare-shadow';
import { isClassification } from '../../core/schema/record-schema';
import { parseShadowCells, parseShadowLossSums, shadowPairsQuery } from '../../sql/shadow-query';
import { packageVersion } from '../ports';
import type { PromotionSettings } from '../settings';
import type { PromotionStep, ShadowComparisonOutput } from '../step-contract';
import { findEntry, record, servingEndpoint, type StepPorts } from './common';

const HOUR = 3_600_000;

export async function compareShadowStep(ports: StepPorts, s: PromotionSettings, step: Extract<PromotionStep, { action: 'compare-shadow' }>): Promise<ShadowComparisonOutput> {
  const candidateVersion = packageVersion(step.modelPackageArn);
  const id = `shadow-comparison:${candidateVersion}:${step.executionName}`;
  const done = await findEntry(ports, s, id);
  if (done) return { verdict: done.outcome as ShadowComparisonOutput['verdict'], labelledRows: done.metrics.labelled_rows ?? 0, summary: done.reason };
  const ep = await servingEndpoint(ports, s);
  const championVersion = packageVersion(ep.production.packageArn);
  const start = new Date(Math.floor(Date.parse(step.shadowStartedAt) / HOUR) * HOUR);
  const end = new Date(Math.floor(ports.clock.now().getTime() / HOUR) * HOUR + HOUR);
  const rows = await ports.query.query(shadowPairsQuery({ spec: s.spec, predictionTable: s.predictionTable, labelTable: s.labelTable, window: { start, end }, candidateVersion }));
  const evidence: ShadowEvidence = isClassification(s.spec.task)
    ? { kind: 'classification', cells: parseShadowCells(rows), ...(s.classes ? { classes: s.classes } : {}), ...(s.positiveClass ? { positiveClass: s.positiveClass } : {}) }
    : { kind: 'regression', sums: parseShadowLossSums(rows, s.shadow.metric as 'mae' | 'rmse' | 'mape') };
  const c = compareShadow(evidence, { metric: s.shadow.metric, minLabelledRows: s.shadow.minLabelledRows, alpha: s.shadow.alpha, resamples: s.shadow.resamples });
  if (c.verdict !== 'insufficient') {
    const metrics: Record<string, number> = { labelled_rows: c.labelledRows };
    if (c.champion !== null) metrics[`champion_${c.metric}`] = c.champion;
    if (c.candidate !== null) metrics[`candidate_${c.metric}`] = c.candidate;
    if (c.pValue !== null) metrics.p_value = c.pValue;
    await record(ports, s, 'compare-shadow', {
      id,
      kind: 'shadow-comparison',
      outcome: c.verdict,
      reason: c.summary,
      executionName: step.executionName,
      subject: { modelPackageArn: step.modelPackageArn, version: candidateVersion, championVersion },
      metrics,
      details: { test: c.test, alpha: s.shadow.alpha, interval: c.interval, since: start.toISOString(), until: end.toISOString() },
    });
  }
  return { verdict: c.verdict, labelledRows: c.labelledRows, summary: c.summary };
}
