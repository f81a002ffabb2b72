/** The retraining replay as an HTML section of the backtest report: the key metric per window side by side, then each arm's steps. */
import type { ReplayArm, RetrainingReplay } from '../backtest/retraining/types';
import { stat } from './backtest-text';
import { escapeHtml } from './html';
import { armCounts, metricName, stepLine } from './retraining-text';

const ARM_NAMES = { none: 'no retraining', policy: 'policy', calendar: 'calendar' } as const;

function steps(arm: ReplayArm): string {
  const items = arm.steps.map((s) => `<li class="${s.kind}">${escapeHtml(stepLine(s))}</li>`).join('');
  return `<h3>${escapeHtml(ARM_NAMES[arm.schedule])} (${escapeHtml(armCounts(arm))})</h3>${items ? `<ul class="steps">${items}</ul>` : '<p class="muted">No retrain.</p>'}`;
}

/** @example renderBacktestHtml(result, { retraining: replay }) puts this section after the performance chart */
export function retrainingSection(replay: RetrainingReplay): string {
  const arms = [replay.none, replay.policyArm, ...(replay.calendar ? [replay.calendar] : [])];
  const head = `<tr><th class="n">#</th>${arms.map((a) => `<th class="n">${escapeHtml(ARM_NAMES[a.schedule])}</th>`).join('')}</tr>`;
  const rows = replay.none.windows
    .map((w) => `<tr><td class="n">${w.index}</td>${arms.map((a) => {
      const x = a.windows.find((y) => y.index === w.index);
      return `<td class="n">${x ? `${stat(x.value)} <span class="muted">${escapeHtml(x.version)}</span>` : '-'}</td>`;
    }).join('')}</tr>`)
    .join('');
  const total = `<tr><td class="n"><b>all</b></td>${arms.map((a) => `<td class="n"><b>${stat(a.mean)}</b></td>`).join('')}</tr>`;
  return (
    `<h2>Retraining</h2><p class="muted">${escapeHtml(`Trainer: ${replay.trainer}; gates: ${replay.policy.gates.join('; ') || 'none'}; shadow: ${replay.policy.shadow}.`)}</p>` +
    `<table id="retraining"><caption>${escapeHtml(metricName(replay))} of the served model per window (version served)</caption><thead>${head}</thead><tbody>${rows}${total}</tbody></table>` +
    arms.slice(1).map(steps).join('')
  );
}
