/**
 * nagResourceName names resources in IAM5 acknowledgements the way cdk-nag reports them; it is our
 * own code (cdk-nag's flattenCfnReference is private), so it is checked against cdk-nag's here.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference, nagResourceName } from '../../lib/common/nag';

// The installed cdk-nag's own function, only to compare with (a consumer's cdk-nag may not have it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdkNag = require('cdk-nag/lib/utils/flatten-cfn-reference') as { flattenCfnReference: (v: unknown) => string };

it('names ARNs, joins, GetAtt, Ref, Sub and ImportValue exactly as the installed cdk-nag does', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.Bucket(stack, 'Data');
  const key = new kms.Key(stack, 'Key');
  const values: unknown[] = [
    stack.resolve(bucket.arnForObjects('predictions/fraud/*')),
    stack.resolve(bucket.bucketArn),
    stack.resolve(key.keyArn),
    stack.resolve(stack.formatArn({ service: 'glue', resource: 'table', resourceName: 'db/t' })),
    { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/x' },
    { 'Fn::ImportValue': 'Shared-Bucket' },
    { Ref: 'AWS::AccountId' },
    'plain-string',
    ['a', 1],
  ];
  for (const v of values) expect(flattenCfnReference(v)).toBe(cdkNag.flattenCfnReference(v));
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  expect(nagResourceName(stack, bucket.arnForObjects('p/*'))).toBe(`<${bucketId}.Arn>/p/*`);
});
