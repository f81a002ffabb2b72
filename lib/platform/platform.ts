/**
 * Platform: the whole data plane, the monitors and their alerting of one environment, built from a
 * validated config. One shared data stack (with the owners' alarm topics and the fleet dashboard) plus
 * one stack per group of models (see `groupModels` for the limits).
 */
import { Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DriftwatchConfig } from '../../config/schema';
import { dataStackName, modelGroupStackName } from '../common/naming';
import { DataStack } from './data-stack';
import { checkPlatformPlacement } from './placement';
import { estimateAlertingResources, estimateModelResources, groupModels } from './grouping';
import type { ModelAlarms } from '../alerting/model-alarms';
import { ownerNotifiers, type OwnerNotifier } from '../alerting/notifier';
import { OwnerTopics, ownersOfConfig } from '../alerting/owner-topics';
import { FleetDashboard } from '../dashboards/fleet-dashboard';
import type { ModelMonitor } from '../monitor/model-monitor';
import type { RetrainTrigger } from '../retraining/retrain-trigger';
import type { ModelPromotion } from '../promotion/model-promotion';
import { ModelDataPlane } from './model-data-plane';
import { ModelGroupStack } from './model-group-stack';

export interface PlatformProps {
  /** A config that went through `validateConfig` / `loadEnvironment` (defaults filled in). */
  readonly config: DriftwatchConfig;
  /** The git commit being deployed: the retraining pipelines' `CodeVersion` (`cdk deploy -c codeVersion=$(git rev-parse HEAD)`). @default 'unknown' */
  readonly codeVersion?: string;
}

/**
 * Its scope is an App or a Stage (it creates its own stacks; inside a stack it throws), and an app
 * holds one Platform per env: a second one of the same env throws, naming the stack.
 *
 * @example
 * const app = new App();
 * new Platform(app, 'Driftwatch', { config: loadEnvironment('dev') });
 */
export class Platform extends Construct {
  readonly dataStack: DataStack;
  readonly modelStacks: readonly ModelGroupStack[];
  /** Each model's data plane by model id. */
  readonly models: ReadonlyMap<string, ModelDataPlane>;
  /** Each model's scheduled monitor by model id. */
  readonly monitors: ReadonlyMap<string, ModelMonitor>;
  /** Each model's alarms by model id. */
  readonly alarms: ReadonlyMap<string, ModelAlarms>;
  /** The SNS topics per owner and severity the alarms notify (in the data stack; the notifier subscribes here). */
  readonly ownerTopics: OwnerTopics;
  /** The drift-triggered retraining of each model with a `retraining` section, by model id (in its model stack). */
  readonly retraining: ReadonlyMap<string, RetrainTrigger>;
  /** The promotion and rollback of each model with a `promotion` section, by model id (in its model stack). */
  readonly promotions: ReadonlyMap<string, ModelPromotion>;
  /** Each owner's notifier (PagerDuty and Slack) by owner name, in the data stack beside the topics. */
  readonly notifiers: ReadonlyMap<string, OwnerNotifier>;
  /** One row per model (in the data stack). */
  readonly fleetDashboard: FleetDashboard;

  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id);
    const { config } = props;
    checkPlatformPlacement(this, scope, config);
    const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;

    this.dataStack = new DataStack(scope, `${id}-${config.env}-Data`, {
      stackName: dataStackName(config.env),
      description: `Driftwatch ${config.env}: data bucket, key, Glue database, Athena workgroup, alarm topics and fleet dashboard`,
      env,
      config,
    });

    this.ownerTopics = new OwnerTopics(this.dataStack, 'OwnerTopics', { env: config.env, owners: ownersOfConfig(config), key: this.dataStack.lake.key });
    this.notifiers = ownerNotifiers(this.dataStack, {
      config,
      topics: this.ownerTopics,
      bucket: this.dataStack.lake.bucket,
      key: this.dataStack.lake.key,
      // The data stack's key policy covers every log group under /driftwatch/<env>/.
      addLogsKeyPolicy: false,
      // The compliance profile's VPC, reserved concurrency and log retention.
      ...this.dataStack.notifierCompliance,
    });
    this.fleetDashboard = new FleetDashboard(this.dataStack, 'FleetDashboard', { env: config.env, models: config.models });

    const resourcesOf = (m: DriftwatchConfig['models'][number]) => estimateModelResources(m) + estimateAlertingResources(m);
    const groups = groupModels(config.models, { maxModels: config.modelsPerStack, resourcesOf });
    const models = new Map<string, ModelDataPlane>();
    const monitors = new Map<string, ModelMonitor>();
    const alarms = new Map<string, ModelAlarms>();
    const retraining = new Map<string, RetrainTrigger>();
    const promotions = new Map<string, ModelPromotion>();
    this.modelStacks = groups.map((group, i) => {
      const stack = new ModelGroupStack(scope, `${id}-${config.env}-Models-${i + 1}`, {
        stackName: modelGroupStackName(config.env, i),
        description: `Driftwatch ${config.env}: data plane, monitor and alarms of models ${group.map((m) => m.id).join(', ')}`.slice(0, 1024),
        env,
        config,
        models: group,
        bucketName: this.dataStack.bucketName,
        key: this.dataStack.lake.key,
        databaseName: this.dataStack.analytics.databaseName,
        workGroupName: this.dataStack.analytics.workGroupName,
        codeVersion: props.codeVersion,
      });
      // Tables need the database and the saved queries the workgroup, referenced by name.
      stack.addStackDependency(this.dataStack);
      for (const [modelId, plane] of stack.models) models.set(modelId, plane);
      for (const [modelId, monitor] of stack.monitors) monitors.set(modelId, monitor);
      for (const [modelId, a] of stack.alarms) alarms.set(modelId, a);
      for (const [modelId, r] of stack.retraining) retraining.set(modelId, r);
      for (const [modelId, p] of stack.promotions) promotions.set(modelId, p);
      return stack;
    });
    this.models = models;
    this.monitors = monitors;
    this.alarms = alarms;
    this.retraining = retraining;
    this.promotions = promotions;

    for (const stack of [this.dataStack, ...this.modelStacks]) {
      Tags.of(stack).add('driftwatch:env', config.env);
      for (const [key, value] of Object.entries(config.tags)) Tags.of(stack).add(key, value);
    }
  }
}
