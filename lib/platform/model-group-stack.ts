/**
 * A stack holding the data planes, monitors, alarms and dashboards of a group of models. It imports
 * the shared bucket by its deterministic name (so IAM resources resolve inside this template), the key
 * by ARN and the owners' topics by their deterministic ARNs (they live in the data stack).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DriftwatchConfig, ModelConfig } from '../../config/schema';
import { ModelAlarms } from '../alerting/model-alarms';
import { Analytics, type IAnalytics } from '../analytics/analytics';
import { importOwnerTopics } from '../alerting/owner-topics';
import { ModelDashboard } from '../dashboards/model-dashboard';
import { ModelMonitor } from '../monitor/model-monitor';
import { mlflowServerArn } from '../retraining/mlflow-server';
import { RetrainTrigger } from '../retraining/retrain-trigger';
import { PromotionLedgerTable, type IPromotionLedgerTable } from '../promotion/ledger-table';
import { ModelPromotion } from '../promotion/model-promotion';
import { promotionLedgerTableName } from '../promotion/naming';
import { ModelDataPlane } from './model-data-plane';
import { functionNetwork } from '../compliance/network';
import { RESERVED_CONCURRENCY, complianceSettings } from '../compliance/profile';

export interface ModelGroupStackProps extends StackProps {
  readonly config: DriftwatchConfig;
  readonly models: readonly ModelConfig[];
  readonly bucketName: string;
  readonly key: kms.IKey;
  readonly databaseName: string;
  readonly workGroupName: string;
  /** The git commit deployed (the retraining pipelines' `CodeVersion`). @default 'unknown' */
  readonly codeVersion?: string;
}

export class ModelGroupStack extends Stack {
  readonly models: ReadonlyMap<string, ModelDataPlane>;
  /** Each model's scheduled monitor by model id. */
  readonly monitors: ReadonlyMap<string, ModelMonitor>;
  /** Each model's alarms by model id. */
  readonly alarms: ReadonlyMap<string, ModelAlarms>;
  /** Each model's dashboard by model id. */
  readonly dashboards: ReadonlyMap<string, ModelDashboard>;
  /** The drift-triggered retraining of each model with a `retraining` section, by model id. */
  readonly retraining: ReadonlyMap<string, RetrainTrigger>;
  /** The promotion and rollback of each model with a `promotion` section, by model id. */
  readonly promotions: ReadonlyMap<string, ModelPromotion>;

  constructor(scope: Construct, id: string, props: ModelGroupStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? props.config.compliance.terminationProtection });
    const compliance = complianceSettings(props.config.compliance);
    const network = functionNetwork(this, compliance);
    const bucket = s3.Bucket.fromBucketAttributes(this, 'DataBucket', { bucketName: props.bucketName, encryptionKey: props.key });
    const shared: Shared = { props, compliance, network, bucket, topics: importOwnerTopics(this, props.config.env) };
    // The data stack's ledger table, by its name (no cross-stack reference), for the models that retrain or promote.
    const ledger = props.models.some((m) => m.retraining || m.promotion)
      ? PromotionLedgerTable.fromTableName(this, 'PromotionLedger', { tableName: promotionLedgerTableName(props.config.env), encryptionKey: props.key })
      : undefined;
    // The data stack's database and workgroup by name, where the promotions' shadow comparisons query.
    const analytics = props.models.some((m) => m.promotion)
      ? Analytics.fromAnalyticsAttributes(this, 'Analytics', { databaseName: props.databaseName, workGroupName: props.workGroupName, resultsBucket: bucket, key: props.key })
      : undefined;
    const [planes, monitors, alarms, dashboards] = [new Map<string, ModelDataPlane>(), new Map<string, ModelMonitor>(), new Map<string, ModelAlarms>(), new Map<string, ModelDashboard>()];
    const [retraining, promotions] = [new Map<string, RetrainTrigger>(), new Map<string, ModelPromotion>()];
    for (const model of props.models) {
      const watched = this.addMonitoring(model, shared);
      planes.set(model.id, watched.plane);
      monitors.set(model.id, watched.monitor);
      alarms.set(model.id, watched.alarms);
      dashboards.set(model.id, watched.dashboard);
      if (model.retraining) retraining.set(model.id, this.addRetraining(model, shared, ledger));
      if (model.promotion && analytics) promotions.set(model.id, this.addPromotion(model, shared, watched.plane, analytics, ledger));
    }
    this.models = planes;
    this.monitors = monitors;
    this.alarms = alarms;
    this.dashboards = dashboards;
    this.retraining = retraining;
    this.promotions = promotions;
  }

  /** A model's data plane, its scheduled monitor, its alarms and its dashboard. */
  private addMonitoring(model: ModelConfig, { props, compliance, network, bucket, topics }: Shared) {
    const plane = new ModelDataPlane(this, model.id, {
      env: props.config.env,
      model,
      retention: props.config.retention,
      databaseName: props.databaseName,
      workGroupName: props.workGroupName,
      lookbackDays: props.config.analytics.lookbackDays,
      bucket,
      key: props.key,
      logRetention: compliance.logRetention,
    });
    const monitor = new ModelMonitor(this, `${model.id}-monitor`, {
      env: props.config.env,
      model,
      bucket,
      key: props.key,
      databaseName: props.databaseName,
      workGroupName: props.workGroupName,
      // The label join spans what the labelled view spans.
      labelLookbackDays: props.config.analytics.lookbackDays,
      // The data stack's key policy lets CloudWatch Logs use the key for every log group under
      // /driftwatch/<env>/ (one statement, not one per model).
      addLogsKeyPolicy: false,
      logRetention: compliance.logRetention,
      network,
      reservedConcurrency: compliance.reserveConcurrency ? RESERVED_CONCURRENCY : undefined,
    });
    const alarms = new ModelAlarms(this, `${model.id}-alarms`, { env: props.config.env, model, monitor, topics });
    const dashboard = new ModelDashboard(this, `${model.id}-dashboard`, { env: props.config.env, model, monitor, alarms: alarms.allAlarms() });
    return { plane, monitor, alarms, dashboard };
  }

  private addRetraining(model: ModelConfig, { props, compliance, network, bucket, topics }: Shared, ledger: IPromotionLedgerTable | undefined): RetrainTrigger {
    return new RetrainTrigger(this, `${model.id}-retraining`, {
      env: props.config.env,
      model,
      bucket,
      key: props.key,
      codeVersion: props.codeVersion,
      // The compliance profile's settings, as for the monitor's functions.
      logRetention: compliance.logRetention,
      network,
      reservedConcurrency: compliance.reserveConcurrency ? RESERVED_CONCURRENCY.retraining : undefined,
      ledger,
      // A failed gate is the owner's to know, not a page: the warning topic.
      alertTopic: topics.topicFor(model.owner, 'Warning'),
      // Each execution's run into the data stack's server, by its deterministic ARN.
      ...(props.config.mlflow ? { mlflowTrackingServerArn: mlflowServerArn(this, props.config.env) } : {}),
    });
  }

  private addPromotion(model: ModelConfig, { props, compliance, network, bucket, topics }: Shared, plane: ModelDataPlane, analytics: IAnalytics, ledger: IPromotionLedgerTable | undefined): ModelPromotion {
    return new ModelPromotion(this, `${model.id}-promotion`, {
      env: props.config.env,
      model,
      bucket,
      key: props.key,
      analytics,
      tables: [plane.predictions, plane.labels],
      topics,
      ledger,
      // The shadow's and the champion's captured answers into the model's prediction log.
      predictionStream: plane.predictions,
      // The data stack's server, by its deterministic ARN (no cross-stack reference).
      ...(props.config.mlflow ? { mlflowTrackingServerArn: mlflowServerArn(this, props.config.env) } : {}),
      // The data stack's key policy covers every log group under /driftwatch/<env>/.
      addLogsKeyPolicy: false,
      logRetention: compliance.logRetention,
      network,
      reservedConcurrency: compliance.reserveConcurrency ? RESERVED_CONCURRENCY.promotion : undefined,
    });
  }
}

/** What every model of the group is built with. */
interface Shared {
  readonly props: ModelGroupStackProps;
  readonly compliance: ReturnType<typeof complianceSettings>;
  readonly network: ReturnType<typeof functionNetwork>;
  readonly bucket: s3.IBucket;
  readonly topics: ReturnType<typeof importOwnerTopics>;
}
