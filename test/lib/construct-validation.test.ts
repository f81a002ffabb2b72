/**
 * The data plane's constructs refuse what would deploy wrong or not at all, at synth time, naming the
 * prop and the value (issue 12, part 5): SQL-unsafe database and table names, retention of zero
 * days, an imported bucket without its key (a new key would lock readers out of the records); and
 * they say what CloudFormation cannot guess: the table is created after the database.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { Analytics } from '../../lib/analytics';
import { DataLake } from '../../lib/data-lake/data-lake';
import { GroundTruthLog, PredictionLog } from '../../lib/prediction-log';
import { iamStatements } from './helpers';

const model: ModelRecordSpec = {
  modelId: 'fraud',
  task: 'binary_classification',
  features: [{ name: 'amount', kind: 'numeric' }],
  businessColumns: [],
};

const stack = () => new Stack(new App(), 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });

describe('record logs refuse bad props, naming the prop and the value', () => {
  it('a database name Athena cannot read', () => {
    expect(() => new PredictionLog(stack(), 'P', { model, databaseName: 'my-db; drop' })).toThrow(/Consumer\/P: databaseName "my-db; drop" is not a valid identifier/);
    expect(() => new PredictionLog(stack(), 'P', { model, databaseName: 'Upper' })).toThrow(/databaseName "Upper"/);
  });

  it('a table name Athena cannot read', () => {
    expect(() => new GroundTruthLog(stack(), 'L', { model, databaseName: 'db', tableName: 'labels-fraud' })).toThrow(/tableName "labels-fraud" is not a valid identifier/);
  });

  it('no database at all', () => {
    expect(() => new PredictionLog(stack(), 'P', { model })).toThrow('Consumer/P: give databaseName (an existing Glue database) or analytics (the Analytics that creates it)');
  });

  it('retention of zero or a fraction of a day', () => {
    expect(() => new PredictionLog(stack(), 'P', { model, databaseName: 'db', retentionDays: 0 })).toThrow('Consumer/P: retentionDays must be a whole number of days, at least 1, got 0');
    expect(() => new GroundTruthLog(stack(), 'L', { model, databaseName: 'db', errorRetentionDays: 1.5 })).toThrow('errorRetentionDays must be a whole number of days, at least 1, got 1.5');
    expect(() => new DataLake(stack(), 'Lake', { accessLogRetentionDays: -1 })).toThrow('Consumer/Lake: accessLogRetentionDays must be a whole number of days, at least 1, got -1');
  });

  it('an imported bucket without its key, instead of encrypting with a new key nobody reading the bucket has', () => {
    const s = stack();
    const bucket = s3.Bucket.fromBucketName(s, 'Theirs', 'team-data');
    expect(() => new PredictionLog(s, 'P', { model, databaseName: 'db', existingBucketObj: bucket })).toThrow(
      /Consumer\/P: existingBucketObj Consumer\/Theirs has no encryptionKey .*pass existingKey/,
    );
    const key = kms.Key.fromKeyArn(s, 'TheirKey', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new PredictionLog(s, 'Q', { model, databaseName: 'db', existingBucketObj: bucket, existingKey: key });
    const template = Template.fromStack(s);
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toHaveLength(0);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyARN: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    });
  });

  it('a databaseName that is not the database of the analytics it is given with', () => {
    const s = stack();
    const lake = new DataLake(s, 'Lake');
    const analytics = new Analytics(s, 'Analytics', { databaseName: 'team_logs', workGroupName: 'team', resultsBucket: lake.bucket, key: lake.key });
    expect(() => new PredictionLog(s, 'P', { model, analytics, databaseName: 'other' })).toThrow('databaseName "other" is not the database of analytics ("team_logs")');
  });
});

describe('the Glue table and its database', () => {
  it('given the analytics, the table is in its database and created after it', () => {
    const s = stack();
    const lake = new DataLake(s, 'Lake');
    const analytics = new Analytics(s, 'Analytics', { databaseName: 'team_logs', workGroupName: 'team', resultsBucket: lake.bucket, key: lake.key });
    new PredictionLog(s, 'P', { model, analytics, existingBucketObj: lake.bucket });
    const template = Template.fromStack(s);
    const [databaseId] = Object.keys(template.findResources('AWS::Glue::Database'));
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    expect(table.Properties.DatabaseName).toBe('team_logs');
    expect(table.DependsOn).toEqual(expect.arrayContaining([databaseId]));
  });
});

describe('DataLake.grantRead', () => {
  it('reads one prefix: objects under it, listing limited to it, the key through S3 only', () => {
    const s = stack();
    const lake = new DataLake(s, 'Lake');
    const role = new iam.Role(s, 'Training', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.grantRead(role, 'predictions/fraud/');
    const statements = iamStatements(Template.fromStack(s));
    const get = statements.find((st) => JSON.stringify(st.Action).includes('s3:GetObject'));
    expect(JSON.stringify(get?.Resource)).toContain('/predictions/fraud/*');
    const list = statements.find((st) => st.Action === 's3:ListBucket');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['predictions/fraud/*'] } });
    const decrypt = statements.find((st) => st.Action === 'kms:Decrypt');
    expect(JSON.stringify(decrypt?.Condition)).toContain('kms:ViaService');
    expect(statements.some((st) => JSON.stringify(st.Action).match(/s3:PutObject|s3:Delete|kms:Encrypt/) && JSON.stringify(st.Resource).includes('Lake'))).toBe(false);
  });

  it('works on an imported data lake too', () => {
    const s = stack();
    const imported = DataLake.fromDataLakeAttributes(s, 'Imported', {
      bucket: s3.Bucket.fromBucketName(s, 'B', 'team-data'),
      key: kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    const role = new iam.Role(s, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantRead(role);
    const statements = iamStatements(Template.fromStack(s));
    expect(JSON.stringify(statements)).toContain(':s3:::team-data/*');
    expect(statements.find((st) => st.Action === 's3:ListBucket')?.Condition).toBeUndefined();
  });
});
