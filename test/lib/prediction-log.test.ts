/**
 * PredictionLog and GroundTruthLog composed on their own in a plain stack: the security properties
 * and the contract with the record schema, asserted on the synthesized template.
 */
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { S3_LAYOUT, groundTruthColumns, predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { DataLake } from '../../lib/data-lake/data-lake';
import { GroundTruthLog, PredictionLog } from '../../lib/prediction-log';
import { asArray, iamStatements, nagFindings } from './helpers';

const model: ModelRecordSpec = {
  modelId: 'fraud',
  task: 'binary_classification',
  features: [
    { name: 'amount', kind: 'numeric' },
    { name: 'country', kind: 'categorical' },
  ],
  businessColumns: [{ name: 'segment', type: 'string' }],
};

let app: App;
let stack: Stack;
let template: Template;
let predictions: PredictionLog;
let labels: GroundTruthLog;

beforeAll(() => {
  app = new App();
  stack = new Stack(app, 'Standalone');
  const lake = new DataLake(stack, 'Lake');
  predictions = new PredictionLog(stack, 'Predictions', { model, databaseName: 'driftwatch_test', existingBucketObj: lake.bucket });
  labels = new GroundTruthLog(stack, 'Labels', { model, databaseName: 'driftwatch_test', existingBucketObj: lake.bucket, retentionDays: 30 });
  const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
  predictions.grantPutRecords(producer);
  template = Template.fromStack(stack);
});

function tableInput(name: string) {
  const tables = template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: name } } });
  const [table] = Object.values(tables);
  return table.Properties.TableInput;
}

describe('Glue tables', () => {
  it('have exactly the record contract columns with their types', () => {
    const cols = (c: { name: string; type: string }[]) => c.map(({ name, type }) => ({ Name: name, Type: type }));
    const strip = (c: { Name: string; Type: string }[]) => c.map(({ Name, Type }) => ({ Name, Type }));
    expect(strip(tableInput('predictions_fraud').StorageDescriptor.Columns)).toEqual(cols(predictionColumns(model)));
    expect(strip(tableInput('labels_fraud').StorageDescriptor.Columns)).toEqual(cols(groundTruthColumns(model)));
  });

  it('are Parquet, partitioned by dt/hour with projection over the S3_LAYOUT paths (no crawler)', () => {
    const t = tableInput('predictions_fraud');
    expect(t.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['dt', 'hour']);
    expect(t.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(t.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': 'NOW-400DAYS,NOW',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
    });
    const location = JSON.stringify(stack.resolve(t.Parameters['storage.location.template']));
    expect(location).toContain('/predictions/fraud/dt=${dt}/hour=${hour}/');
    expect(tableInput('labels_fraud').Parameters['projection.dt.range']).toBe('NOW-30DAYS,NOW');
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});

describe('Firehose streams', () => {
  it('are DirectPut, encrypted with the customer-managed key, and convert JSON to Parquet via the table', () => {
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: Match.anyValue() },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: S3_LAYOUT.predictions('fraud'),
        ErrorOutputPrefix: S3_LAYOUT.predictionErrors('fraud'),
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
        CompressionFormat: 'UNCOMPRESSED',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({ DatabaseName: 'driftwatch_test', TableName: 'predictions_fraud', VersionId: 'LATEST' }),
        }),
      }),
    });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({ Prefix: S3_LAYOUT.labels('fraud'), ErrorOutputPrefix: S3_LAYOUT.labelErrors('fraud') }),
    });
  });

  it('reject buffering that Parquet conversion does not accept', () => {
    const s = new Stack(new App(), 'Bad');
    expect(() => new PredictionLog(s, 'P', { model, databaseName: 'db', bufferingSize: Size.mebibytes(5) })).toThrow(
      'bufferingSize must be 64-128 MiB for Parquet conversion, got 5 MiB',
    );
    expect(() => new PredictionLog(s, 'Q', { model, databaseName: 'db', bufferingInterval: Duration.seconds(10) })).toThrow('got 10 s');
  });
});

describe('data bucket', () => {
  it('is KMS-encrypted with a rotating key, versioned, access-logged and TLS-only', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const p of Object.values(policies)) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('expires each log prefix after its retention', () => {
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { BucketEncryption: Match.anyValue(), LoggingConfiguration: Match.anyValue() } }));
    const rules = bucket.Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'predictions/fraud/', ExpirationInDays: 400 }),
        expect.objectContaining({ Prefix: 'labels/fraud/', ExpirationInDays: 30 }),
        expect.objectContaining({ Prefix: 'errors/predictions/fraud/', ExpirationInDays: 90 }),
      ]),
    );
  });
});

describe('least privilege', () => {
  it('no statement allows Action "*" or Resource "*"; object access is limited to the log\'s own prefixes', () => {
    const statements = iamStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(asArray(s.Action as string | string[])).not.toContain('*');
      expect(asArray(s.Resource as unknown)).not.toContain('*');
    }
    const writes = statements.filter((s) => asArray(s.Action as string[]).includes('s3:PutObject'));
    const resources = JSON.stringify(stack.resolve(writes.map((s) => s.Resource)));
    expect(resources).toContain('/predictions/fraud/*');
    expect(resources).toContain('/errors/predictions/fraud/*');
    expect(resources).not.toMatch(/"\/\*"/);
  });

  it('grantPutRecords gives PutRecord/PutRecordBatch on this stream only', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Effect: 'Allow', Resource: stack.resolve(predictions.deliveryStreamArn) },
    ]);
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('metrics', () => {
  it('address AWS/Firehose by stream name with sensible statistics', () => {
    const m = predictions.metricDataFreshness();
    expect(m.namespace).toBe('AWS/Firehose');
    expect(m.metricName).toBe('DeliveryToS3.DataFreshness');
    expect(m.statistic).toBe('Maximum');
    expect(stack.resolve(m.dimensions)).toEqual({ DeliveryStreamName: stack.resolve(predictions.deliveryStreamName) });
    expect(predictions.metricIncomingRecords().statistic).toBe('Sum');
    expect(labels.metricDeliveryToS3Success().metricName).toBe('DeliveryToS3.Success');
    expect(labels.metricFailedConversionRecords().metricName).toBe('FailedConversion.Records');
  });
});
