/**
 * Where a Platform may go. It creates its own stacks (the data stack and one per group of models),
 * so its scope must be an App or a Stage; and the names of those stacks come from the environment,
 * so one app holds at most one Platform per environment (per account and region).
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DriftwatchConfig } from '../../config/schema';
import { dataStackName } from '../common/naming';

/**
 * @throws when `scope` is inside a stack (the Platform's stacks would not be in it: that stack would
 *   stay empty), or when the app already has a stack with this environment's data-stack name in the
 *   same account and region (a second Platform of the env, which would deploy over the first)
 */
export function checkPlatformPlacement(platform: Construct, scope: Construct, config: Pick<DriftwatchConfig, 'env' | 'account' | 'region'>): void {
  const stack = scope.node.scopes.find((c) => Stack.isStack(c));
  if (stack) {
    throw new Error(
      `Platform ${platform.node.path}: its scope is inside the stack ${stack.node.path}, but a Platform creates its own stacks ` +
        `(${dataStackName(config.env)} and one per group of models) and would leave that stack empty: pass an App or a Stage as its scope ` +
        '(new Platform(app, ...)), or compose PredictionLog, GroundTruthLog, Analytics and ModelMonitor in your stack instead',
    );
  }
  const name = dataStackName(config.env);
  const same = (a: string | undefined, b: string) => a === undefined || Token.isUnresolved(a) || Token.isUnresolved(b) || a === b;
  const clash = platform.node.root.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .find((s) => s.stackName === name && same(config.account, s.account) && same(config.region, s.region));
  if (clash) {
    throw new Error(
      `Platform ${platform.node.path}: the app already has the stack ${name} (${clash.node.path}) for env "${config.env}"; ` +
        'two Platforms of one env in one app would deploy their stacks over each other: create one Platform per env, ' +
        'or give this config another env name',
    );
  }
}
