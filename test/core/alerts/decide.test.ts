import { decideAlerts, featurePagingStatus, signalKey, type AlertState, type Signal } from '../../../lambda/core/alerts';
import type { Status } from '../../../lambda/core/types';

const drift = (status: Status, feature = 'age'): Signal => ({ kind: 'drift', feature, status, message: `age is ${status}`, value: 0.3, threshold: 0.25 });

/** Runs a sequence of statuses for one signal and returns the (window, severity) alerts and resolutions. */
function replay(statuses: Status[]) {
  let state: AlertState = {};
  const alerts: [number, string][] = [];
  const resolutions: [number, string][] = [];
  statuses.forEach((s, i) => {
    const d = decideAlerts(state, [drift(s)], i);
    state = d.state;
    alerts.push(...d.alerts.map((a) => [a.window, a.severity] as [number, string]));
    resolutions.push(...d.resolutions.map((r) => [r.window, r.from] as [number, string]));
  });
  return { alerts, resolutions };
}

describe('decideAlerts', () => {
  it('alerts when a signal enters warning or critical, never while it stays there', () => {
    expect(replay(['ok', 'critical', 'critical', 'critical']).alerts).toEqual([[1, 'critical']]);
    expect(replay(['ok', 'warning', 'warning', 'critical', 'critical']).alerts).toEqual([
      [1, 'warning'],
      [3, 'critical'],
    ]);
  });

  it('records a resolution when the signal returns to ok, and alerts again on the next entry', () => {
    const r = replay(['critical', 'ok', 'ok', 'warning']);
    expect(r.alerts).toEqual([
      [0, 'critical'],
      [3, 'warning'],
    ]);
    expect(r.resolutions).toEqual([[1, 'critical']]);
  });

  it('does not alert on a fall from critical to warning, but does on the rise back', () => {
    const r = replay(['critical', 'warning', 'critical']);
    expect(r.alerts).toEqual([
      [0, 'critical'],
      [2, 'critical'],
    ]);
    expect(r.resolutions).toEqual([]);
  });

  it('keeps the state of signals absent from a window (e.g. a metric without labels)', () => {
    let d = decideAlerts({}, [drift('critical')], 0);
    d = decideAlerts(d.state, [], 1);
    expect(d.state).toEqual({ 'drift:age': 'critical' });
    d = decideAlerts(d.state, [drift('critical')], 2);
    expect(d.alerts).toEqual([]);
  });

  it('carries the message, value, threshold and dedup key onto the alert', () => {
    const { alerts } = decideAlerts({}, [drift('critical'), { kind: 'performance', metric: 'recall', status: 'warning', message: 'recall 0.8', baseline: 0.9 }], 4);
    expect(alerts).toEqual([
      { window: 4, severity: 'critical', kind: 'drift', feature: 'age', message: 'age is critical', key: 'drift:age', value: 0.3, threshold: 0.25 },
      { window: 4, severity: 'warning', kind: 'performance', metric: 'recall', message: 'recall 0.8', key: 'performance:recall', baseline: 0.9 },
    ]);
  });

  it('keys the dataset-level signal as drift:dataset and refuses a signal given twice', () => {
    expect(signalKey({ kind: 'drift' })).toBe('drift:dataset');
    expect(() => decideAlerts({}, [drift('ok'), drift('critical')], 3)).toThrow(/signal "drift:age" is given twice in window 3/);
  });
});

describe('featurePagingStatus', () => {
  /** Feature statuses through the paging rule and decideAlerts, as the scoring run does. */
  function page(statuses: Status[]) {
    let state: AlertState = {};
    const alerts: number[] = [];
    const resolutions: number[] = [];
    statuses.forEach((s, i) => {
      const d = decideAlerts(state, [drift(featurePagingStatus(s, state[signalKey(drift(s))]))], i);
      state = d.state;
      alerts.push(...d.alerts.map((a) => a.window));
      resolutions.push(...d.resolutions.map((r) => r.window));
    });
    return { alerts, resolutions };
  }

  it('pages once for a feature wobbling between critical and warning, and resolves when it is back to ok', () => {
    expect(page(['critical', 'warning', 'critical', 'warning', 'ok', 'critical'])).toEqual({ alerts: [0, 5], resolutions: [4] });
  });

  it('never pages on warnings alone', () => {
    expect(page(['warning', 'warning', 'ok', 'warning'])).toEqual({ alerts: [], resolutions: [] });
  });
});
