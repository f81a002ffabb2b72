/**
 * The Logs key-policy statement every construct's log groups need (lib/monitor/log-encryption.ts):
 * added to a key the stack owns, one per pattern; for an imported key, one warning naming every
 * pattern the key's owner must allow.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { allowLogGroupEncryptionOrWarn } from '../../lib/monitor/log-encryption';

const PATTERNS = ['/driftwatch/team/fraud/promotion*', '/aws/vendedlogs/states/dw-team-fraud-promotion*'];

it('adds one statement per pattern to a key the stack owns, and warns about nothing', () => {
  const stack = new Stack(new App(), 'Owned');
  const key = new kms.Key(stack, 'Key');
  allowLogGroupEncryptionOrWarn(stack, key, PATTERNS, 'test:logsKeyPolicy');
  const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  for (const pattern of PATTERNS) expect(policy).toContain(`log-group:${pattern}`);
  Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
});

it('warns once, under the id given, naming every pattern and the hint, when the key is imported', () => {
  const stack = new Stack(new App(), 'Imported');
  const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
  allowLogGroupEncryptionOrWarn(stack, key, PATTERNS, 'test:logsKeyPolicy', 'or pass logGroup');
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
  expect(warnings).toHaveLength(1);
  const text = JSON.stringify(warnings[0].entry.data);
  for (const pattern of PATTERNS) expect(text).toContain(pattern);
  expect(text).toContain('must allow logs.<region>.amazonaws.com');
  expect(text).toContain('or pass logGroup');
  expect(text).toContain('[ack: test:logsKeyPolicy]');
});
