import * as cdk from 'aws-cdk-lib/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TeamStack } from '../lib/team-stack';

test("Driftwatch's retention rules are on the team's own bucket", () => {
  const app = new cdk.App();
  const stack = new TeamStack(app, 'MyTestStack');
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::S3::Bucket', {
    LifecycleConfiguration: {
      Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-predictions_churn', Prefix: 'predictions/churn/', ExpirationInDays: 180, Status: 'Enabled' })]),
    },
  });
  template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
  template.resourceCountIs('AWS::Lambda::Function', 2);
});
