import { canaryDeploymentConfig, rollbackDeploymentConfig, shadowEndpointConfig } from '../../../lambda/core/promotion/deployment';
import { championStack, lastKnownGood } from '../../../lambda/core/promotion/last-known-good';

const promoted = (version: string) => ({ kind: 'promotion' as const, version });
const rolledBack = (version: string) => ({ kind: 'rollback' as const, version });

describe('the last known good a rollback goes back to', () => {
  it('is the champion before the current one', () => {
    expect(lastKnownGood({ changes: [promoted('3'), promoted('5')], currentChampion: '5', approvedVersions: ['3', '4', '5'] })).toEqual({ version: '3', reason: 'the champion before 5 (ledger)' });
  });

  it('a second rollback goes further back, not forward to the version just rolled back from', () => {
    const changes = [promoted('2'), promoted('3'), promoted('5'), rolledBack('3')];
    expect(championStack(changes)).toEqual(['2', '3']);
    expect(lastKnownGood({ changes, currentChampion: '3', approvedVersions: ['2', '3', '5'] }).version).toBe('2');
  });

  it('skips an earlier champion that is no longer Approved', () => {
    expect(lastKnownGood({ changes: [promoted('2'), promoted('3'), promoted('5')], currentChampion: '5', approvedVersions: ['2', '5'] }).version).toBe('2');
  });

  it('--to a version takes it when Approved, and names the approved ones when not', () => {
    expect(lastKnownGood({ changes: [], currentChampion: '5', approvedVersions: ['1', '5'], toVersion: '1' })).toEqual({ version: '1', reason: 'version 1 as requested' });
    expect(() => lastKnownGood({ changes: [], currentChampion: '5', approvedVersions: ['5', '1'], toVersion: '4' })).toThrow('rollback --to 4: version 4 is not Approved in the Model Package Group (approved: 1, 5)');
  });

  it('without ledger history, the highest Approved version below the champion, saying so; none at all is an error', () => {
    expect(lastKnownGood({ changes: [], currentChampion: '5', approvedVersions: ['2', '4', '5', '7'] })).toEqual({ version: '4', reason: 'the highest Approved version below 5 (the ledger names no earlier champion)' });
    expect(() => lastKnownGood({ changes: [promoted('5')], currentChampion: '5', approvedVersions: ['5'] })).toThrow(/no last known good for champion 5/);
  });
});

describe('what promotion asks SageMaker for', () => {
  it('a shadow config serves the champion as variant champion and copies traffic to the candidate as variant shadow', () => {
    const v = (modelName: string) => ({ modelName, instanceType: 'ml.m5.large', instanceCount: 1 });
    expect(shadowEndpointConfig('dw-dev-fraud-c3-s4', v('m3'), v('m4'))).toEqual({
      name: 'dw-dev-fraud-c3-s4',
      production: { ...v('m3'), variantName: 'champion' },
      shadow: { ...v('m4'), variantName: 'shadow' },
    });
  });

  it('the canary moves 10% of capacity, bakes 30 minutes, and rolls back on any alarm', () => {
    expect(canaryDeploymentConfig({ sizePercent: 10, waitMinutes: 30, terminationWaitMinutes: 10 }, ['a-5xx', 'a-latency'])).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 1800, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        TerminationWaitInSeconds: 600,
        MaximumExecutionTimeoutInSeconds: 4200,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'a-5xx' }, { AlarmName: 'a-latency' }] },
    });
  });

  it('a rollback goes all at once, without alarms that could undo it', () => {
    const c = rollbackDeploymentConfig(10);
    expect(c.BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 });
    expect(c.AutoRollbackConfiguration).toBeUndefined();
  });

  it('a canary outside what SageMaker allows is refused, naming the field', () => {
    expect(() => canaryDeploymentConfig({ sizePercent: 80, waitMinutes: 30, terminationWaitMinutes: 0 }, ['a'])).toThrow('canary.sizePercent must be an integer in 1-50, got 80');
    expect(() => canaryDeploymentConfig({ sizePercent: 10, waitMinutes: 90, terminationWaitMinutes: 0 }, ['a'])).toThrow(/canary.waitMinutes must be 0-60 minutes/);
  });
});
