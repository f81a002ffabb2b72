import * as cdk from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Analytics, GroundTruthLog, ModelMonitor, PredictionLog, defineConfig, modelRecordSpec, validateConfig } from 'driftwatch';

/** The team's model, validated as Driftwatch's own config files are (defaults filled in). */
export const config = validateConfig(
  defineConfig({
    env: 'team',
    models: [
      {
        id: 'churn',
        owner: {
          name: 'Growth ML',
          email: 'growth-ml@example.com',
          pagerDutySecretName: 'team/growth-ml/pagerduty-routing-key',
          slackWebhookSecretName: 'team/growth-ml/slack-webhook',
        },
        task: 'binary_classification',
        features: [
          { name: 'tenure_months', kind: 'numeric', importance: 0.6 },
          { name: 'plan', kind: 'categorical', importance: 0.4 },
        ],
        prediction: { type: 'score', decisionThreshold: 0.5 },
        label: { classes: ['stay', 'churn'], positiveClass: 'churn' },
      },
    ],
  }),
);

export class TeamStack extends cdk.Stack {
  readonly bucket: s3.Bucket;
  readonly predictions: PredictionLog;
  readonly labels: GroundTruthLog;
  readonly monitor: ModelMonitor;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    // The team's own bucket and key: Driftwatch's logs, monitor and query results go under prefixes in it.
    const key = new kms.Key(this, 'TeamKey', { enableKeyRotation: true });
    this.bucket = new s3.Bucket(this, 'TeamBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    const model = config.models[0];
    const databaseName = 'team_ml';
    const workGroupName = 'team-ml';

    const analytics = new Analytics(this, 'Analytics', { databaseName, workGroupName, resultsBucket: this.bucket, key });
    this.predictions = new PredictionLog(this, 'ChurnPredictions', {
      model: modelRecordSpec(model),
      databaseName,
      existingBucketObj: this.bucket,
      existingKey: key,
      retentionDays: 180,
    });
    this.labels = new GroundTruthLog(this, 'ChurnLabels', { model: modelRecordSpec(model), databaseName, existingBucketObj: this.bucket, existingKey: key });
    this.monitor = new ModelMonitor(this, 'ChurnMonitor', { env: config.env, model, bucket: this.bucket, key, databaseName, workGroupName });

    // The scoring service logs predictions; analysts query them with Athena.
    const scoringService = new iam.Role(this, 'ScoringService', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    this.predictions.grantPutRecords(scoringService);
    const analyst = new iam.Role(this, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    analytics.grantQuery(analyst, this.predictions, this.labels);
  }
}
