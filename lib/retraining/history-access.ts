/**
 * Read access to a model's training history (`retraining.pipeline.trainingData`), the same for the
 * data pull (which lists and hashes it) and the pipeline's jobs (Train reads it): GetObject under the
 * prefix, ListBucket limited to it, and Decrypt of the history's own KMS key through S3 when it has one.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface TrainingData {
  readonly s3Uri: string;
  readonly kmsKeyArn?: string;
}

/** The statements, and the object ARN with its wildcard (for the cdk-nag acknowledgement). */
export function trainingHistoryStatements(data: TrainingData): { statements: iam.PolicyStatement[]; historyObjects: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(data.s3Uri);
  if (!m) throw new Error(`retraining.pipeline.trainingData.s3Uri: not an s3:// URI: ${JSON.stringify(data.s3Uri)}`);
  const [bucket, prefix] = [m[1], m[2]];
  const historyObjects = `arn:${Aws.PARTITION}:s3:::${bucket}/${prefix}*`;
  const statements = [
    new iam.PolicyStatement({ sid: 'ReadTrainingHistory', actions: ['s3:GetObject'], resources: [historyObjects] }),
    new iam.PolicyStatement({ sid: 'ListTrainingHistory', actions: ['s3:ListBucket'], resources: [`arn:${Aws.PARTITION}:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
  ];
  if (data.kmsKeyArn !== undefined) {
    statements.push(new iam.PolicyStatement({ sid: 'DecryptTrainingHistory', actions: ['kms:Decrypt'], resources: [data.kmsKeyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } } }));
  }
  return { statements, historyObjects };
}
