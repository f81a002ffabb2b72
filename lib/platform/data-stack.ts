/**
 * The environment's shared data stack: the data lake (bucket, key, access logs), the Glue database,
 * the Athena workgroup, every model's retention rules, the promotion ledger table, and the key-policy
 * statement that lets CloudWatch Logs encrypt the environment's log groups.
 */
import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DriftwatchConfig } from '../../config/schema';
import { modelRetention } from '../../config/record-spec';
import { S3_LAYOUT } from '../../lambda/core/schema/record-schema';
import { captureRoot } from '../../lambda/promotion/capture/capture-layout';
import { glueDatabaseName, logGroupPrefix, workGroupName } from '../common/naming';
import { Analytics } from '../analytics/analytics';
import { PromotionLedgerTable } from '../promotion/ledger-table';
import { MlflowServer } from '../retraining/mlflow-server';
import { DataLake } from '../data-lake/data-lake';
import { allowLogGroupEncryption } from '../monitor/log-encryption';
import { FunctionEndpoints, functionNetwork, type FunctionNetwork } from '../compliance/network';
import { RESERVED_CONCURRENCY, complianceSettings, dataLakeCompliance } from '../compliance/profile';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { errorRoot, tableLayout } from '../prediction-log/layout';

export interface DataStackProps extends StackProps {
  readonly config: DriftwatchConfig;
}

/** The deterministic data bucket name of an environment (unique per account and region). */
export function dataBucketName(env: string): string {
  return `driftwatch-${env}-data-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export class DataStack extends Stack {
  readonly lake: DataLake;
  readonly analytics: Analytics;
  /** Every model's promotion ledger (trigger decisions, gates, promotions, rollbacks); the model stacks import it by name. */
  readonly promotionLedger: PromotionLedgerTable;
  /** The environment's managed MLflow (`config.mlflow`), or undefined. */
  readonly mlflow?: MlflowServer;
  readonly bucketName: string;
  /** What the compliance profile sets on the owners' notifiers in this stack (VPC, reserved concurrency, log retention). */
  readonly notifierCompliance: { readonly logRetention: logs.RetentionDays; readonly network?: FunctionNetwork; readonly reservedConcurrency?: number };

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? props.config.compliance.terminationProtection });
    const { config } = props;
    const compliance = complianceSettings(config.compliance);
    this.bucketName = dataBucketName(config.env);
    // A model in promotion has its shadow's captures converted on S3's Object Created events (ShadowCapture).
    const eventBridgeEnabled = config.models.some((m) => m.promotion !== undefined);
    this.lake = new DataLake(this, 'DataLake', { bucketName: this.bucketName, ...dataLakeCompliance(compliance), ...(eventBridgeEnabled ? { eventBridgeEnabled } : {}) });
    // The functions' VPC endpoints, once per environment (a VPC takes one private-DNS endpoint per service).
    if (compliance.vpc?.createEndpoints) new FunctionEndpoints(this, 'FunctionEndpoints', compliance.vpc, { mlflow: config.mlflow !== undefined });
    const network = functionNetwork(this, compliance);
    this.notifierCompliance = {
      logRetention: compliance.logRetention,
      ...(network ? { network } : {}),
      ...(compliance.reserveConcurrency ? { reservedConcurrency: RESERVED_CONCURRENCY.notifier } : {}),
    };
    this.analytics = new Analytics(this, 'Analytics', {
      databaseName: glueDatabaseName(config.env),
      workGroupName: workGroupName(config.env),
      resultsBucket: this.lake.bucket,
      key: this.lake.key,
      bytesScannedCutoffPerQuery: config.analytics.bytesScannedCutoffPerQuery,
      resultRetentionDays: config.analytics.resultRetentionDays,
    });

    // Audit data under the environment's key; retained and protected wherever the stacks are
    // (config.compliance.terminationProtection: prod), destroyed with a dev stack.
    const protect = config.compliance.terminationProtection;
    this.promotionLedger = new PromotionLedgerTable(this, 'PromotionLedger', {
      env: config.env,
      encryptionKey: this.lake.key,
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtection: protect,
    });

    if (config.mlflow) {
      this.mlflow = new MlflowServer(this, 'Mlflow', {
        env: config.env,
        bucket: this.lake.bucket,
        key: this.lake.key,
        size: config.mlflow.size,
        ...(config.mlflow.mlflowVersion ? { mlflowVersion: config.mlflow.mlflowVersion } : {}),
        ...(config.mlflow.weeklyMaintenanceWindowStart ? { weeklyMaintenanceWindowStart: config.mlflow.weeklyMaintenanceWindowStart } : {}),
      });
      new CfnOutput(this, 'MlflowTrackingServerArn', { value: this.mlflow.trackingServerArn, description: 'MLflow tracking URI for the sagemaker-mlflow plugin' });
    }

    // The monitors' log groups (/driftwatch/<env>/<model>/monitor-*) are encrypted with this key;
    // one key-policy statement covers every model's.
    allowLogGroupEncryption(this.lake.key, `${logGroupPrefix(config.env)}*`);

    // Retention lives with the bucket: one expiration rule per model and record kind.
    for (const model of config.models) {
      const r = modelRetention(model, config.retention);
      this.lake.addRetention(`predictions-${model.id}`, tableLayout(S3_LAYOUT.predictions(model.id)).root, r.predictionDays);
      this.lake.addRetention(`labels-${model.id}`, tableLayout(S3_LAYOUT.labels(model.id)).root, r.labelDays);
      this.lake.addRetention(`prediction-errors-${model.id}`, errorRoot(S3_LAYOUT.predictionErrors(model.id)), r.errorDays);
      this.lake.addRetention(`label-errors-${model.id}`, errorRoot(S3_LAYOUT.labelErrors(model.id)), r.errorDays);
      // The shadow's raw captures are in the prediction log once converted; kept as long as its errors, to convert again.
      if (model.promotion) this.lake.addRetention(`captures-${model.id}`, captureRoot(model.id), r.errorDays);
    }

    new CfnOutput(this, 'DataBucketName', { value: this.lake.bucket.bucketName, description: 'Bucket holding predictions, labels and error records' });
    new CfnOutput(this, 'GlueDatabase', { value: this.analytics.databaseName });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.analytics.workGroupName });
    new CfnOutput(this, 'PromotionLedgerTable', { value: this.promotionLedger.tableName, description: 'driftwatch history reads this table' });
  }
}
