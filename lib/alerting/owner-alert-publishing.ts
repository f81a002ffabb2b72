/**
 * What a Driftwatch function needs to publish owner alerts (`lambda/alerting/owner-alert.ts`) to an
 * owner's topic: Publish on that topic only, and the topic's key only through SNS (the owners' topics
 * are encrypted with the environment's key).
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';

export function ownerAlertStatements(topic: sns.ITopic, key: kms.IKey): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'AlertOwner', actions: ['sns:Publish'], resources: [topic.topicArn] }),
    new iam.PolicyStatement({ sid: 'UseTopicKeyThroughSns', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } } }),
  ];
}
