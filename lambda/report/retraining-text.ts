/**
 * The retraining replay as text: the served model's key metric per window under no retraining, the
 * policy and a calendar side by side, the means, then each arm's steps (trigger, retrain, gates,
 * shadow, promotion, rollback) in order.
 */
import type { ReplayArm, ReplayStep, RetrainingReplay } from '../backtest/retraining/types';
import { terminalSafe } from './format';
import { count, stat } from './backtest-text';

const ARM_NAMES = { none: 'no retraining', policy: 'policy', calendar: 'calendar' } as const;

/** The key metric's name, with its direction when lower is better (an error: the lowest mean is the best arm). */
export function metricName(replay: Pick<RetrainingReplay, 'keyMetric' | 'greaterIsBetter'>): string {
  return replay.greaterIsBetter === false ? `${replay.keyMetric} (lower is better)` : replay.keyMetric;
}

function cell(arm: ReplayArm, index: number): string {
  const w = arm.windows.find((x) => x.index === index);
  return w ? `${stat(w.value)} ${w.version}` : '-';
}

/** What happened to an arm, in a few words: `3 retrains, 1 promoted, 0 rolled back`. */
export function armCounts(arm: ReplayArm): string {
  return `${arm.retrains} retrain${arm.retrains === 1 ? '' : 's'}, ${arm.promotions} promoted, ${arm.rollbacks} rolled back`;
}

/** One step as a line. */
export function stepLine(s: ReplayStep): string {
  const at = `window ${String(s.window).padStart(2)}`;
  switch (s.kind) {
    case 'trigger':
      return `${at}  trigger    ${s.outcome} (${s.reason}): ${s.message}`;
    case 'retrain':
      return `${at}  retrain    ${s.version} on rows ${count(s.trainedOn.start)}–${count(s.trainedOn.end)} (${count(s.trainedOn.rows)} trained on, the newest ${count(s.holdoutRows)} held out): ${s.description}`;
    case 'gates':
      return `${at}  gates      ${s.version} ${s.verdict}: ${s.summary}`;
    case 'shadow':
      return `${at}  shadow     ${s.version} ${s.verdict}: ${s.summary}`;
    case 'promotion':
      return `${at}  promotion  ${s.version} ${s.outcome}: ${s.reason}`;
    case 'rollback':
      return `${at}  rollback   ${s.from} → ${s.to}: ${s.reason}`;
  }
}

function table(replay: RetrainingReplay): string[] {
  const arms = [replay.none, replay.policyArm, ...(replay.calendar ? [replay.calendar] : [])];
  const header = ['#', ...arms.map((a) => `${ARM_NAMES[a.schedule]}`)];
  const rows = replay.none.windows.map((w) => [String(w.index), ...arms.map((a) => cell(a, w.index))]);
  rows.push(['all', ...arms.map((a) => stat(a.mean))]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * @example process.stdout.write(renderRetrainingText(replay));
 */
export function renderRetrainingText(replay: RetrainingReplay): string {
  const p = replay.policy;
  const pct = Math.round(replay.holdoutShare * 100);
  const lines = [
    `Retraining replay (trainer: ${replay.trainer}): a retrain trains on the newest ${count(replay.trainingRows)} labelled rows, the newest ${pct}% held out for the gates;`,
    `the candidate shadows the next window (${p.shadow}) and serves from the one after if it is better.`,
    `Policy: critical drift carrying at least ${Math.round(p.minImportanceShare * 100)}% of the importance (and the configured performance metrics), cooldown ${p.cooldownHours} h, at most ${p.maxPerMonth} a month; gates: ${p.gates.join('; ') || 'none'}.`,
    '',
    `${metricName(replay)} of the served model per window (version served):`,
    ...table(replay),
    '',
  ];
  const arms = [replay.policyArm, ...(replay.calendar ? [replay.calendar] : [])];
  for (const arm of arms) {
    lines.push(`${ARM_NAMES[arm.schedule] === 'policy' ? 'Policy' : 'Calendar'} (${armCounts(arm)}):`);
    if (arm.steps.length === 0) lines.push('  no retrain');
    for (const s of arm.steps) lines.push(`  ${stepLine(s)}`);
    lines.push('');
  }
  const none = replay.none.mean;
  const summary = arms.map((a) => `${ARM_NAMES[a.schedule]} ${stat(a.mean)} (${armCounts(a)})`).join(', ');
  lines.push(`${metricName(replay)} over the whole history: no retraining ${stat(none)}, ${summary}.`);
  return `${terminalSafe(lines.join('\n'), true)}\n`;
}

/**
 * The replay's story in a few lines: the first retrain the policy started and why, what its gates
 * and shadow said, the first promotion and rollback, and the key metric with and without retraining.
 */
export function retrainingStory(replay: RetrainingReplay): string {
  const steps = replay.policyArm.steps;
  const lines: string[] = [];
  const started = steps.find((s) => s.kind === 'trigger' && s.outcome === 'started');
  if (started && started.kind === 'trigger') lines.push(`The policy's first retrain: window ${started.window}, ${started.message}.`);
  else lines.push('The policy never started a retrain.');
  for (const s of steps) {
    if (s.kind === 'gates' && s.verdict === 'fail') lines.push(`Window ${s.window}: ${s.version} failed its gates (${s.summary}); not promoted.`);
    if (s.kind === 'shadow') lines.push(`Window ${s.window}: ${s.version} in shadow, ${s.summary}.`);
    if (s.kind === 'promotion' && s.outcome === 'promoted') lines.push(`Window ${s.window}: ${s.version} promoted.`);
    if (s.kind === 'rollback') lines.push(`Window ${s.window}: rolled back from ${s.from} to ${s.to}.`);
  }
  const delta = (x: number | null) => (x === null || replay.none.mean === null ? '' : ` (${x >= replay.none.mean ? '+' : ''}${stat(x - replay.none.mean)})`);
  const calendar = replay.calendar ? `, on a calendar with as many retrains ${stat(replay.calendar.mean)}${delta(replay.calendar.mean)}` : '';
  lines.push(`${metricName(replay)} over the history: ${stat(replay.none.mean)} without retraining, ${stat(replay.policyArm.mean)} with the policy${delta(replay.policyArm.mean)}${calendar}.`);
  return terminalSafe(lines.join('\n'), true);
}
