/**
 * CloudWatch Logs encrypts a log group with a customer-managed key only when the key's policy lets
 * the regional Logs service principal use it (an IAM policy cannot grant this). The statement is
 * limited by the encryption context to log groups whose names match a pattern.
 */
import { Annotations, Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/**
 * Adds a key-policy statement letting `logs.<region>.amazonaws.com` encrypt and decrypt log groups
 * named like `logGroupNamePattern` (a prefix ending in `*`, e.g. `/driftwatch/prod/*`). Returns false
 * when the key is imported (its policy is its owner's: add the statement there).
 *
 * @example allowLogGroupEncryption(lake.key, '/driftwatch/prod/*');
 */
export function allowLogGroupEncryption(key: kms.IKey, logGroupNamePattern: string): boolean {
  if (!/^\/[A-Za-z0-9_\-./#]*\*$/.test(logGroupNamePattern)) {
    throw new Error(`logGroupNamePattern must be a log group name prefix ending in '*', got ${JSON.stringify(logGroupNamePattern)}`);
  }
  const { statementAdded } = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `CloudWatchLogs${logGroupNamePattern.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100),
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      // The actions CloudWatch Logs uses on a log group's key (the documented Encrypt*, Decrypt*,
      // ReEncrypt*, GenerateDataKey*, Describe* spelled out, without the key-pair variants).
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      // In a key policy "*" is the key itself.
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroupNamePattern}` },
      },
    }),
    /* allowNoOp */ true,
  );
  return statementAdded;
}

/**
 * `allowLogGroupEncryption` for each pattern; when the key is imported (its policy cannot be extended
 * here), one warning on `scope` under `warningId` names the patterns the key's owner must allow.
 * `hint` ends the warning with what else the user can do.
 *
 * @example allowLogGroupEncryptionOrWarn(this, key, ['/driftwatch/prod/fraud/capture*'], 'driftwatch:capture:logsKeyPolicy');
 */
export function allowLogGroupEncryptionOrWarn(scope: IConstruct, key: kms.IKey, patterns: readonly string[], warningId: string, hint = 'or the log groups fail to create'): void {
  const allowed = patterns.map((pattern) => allowLogGroupEncryption(key, pattern));
  if (allowed.every(Boolean)) return;
  Annotations.of(scope).addWarningV2(
    warningId,
    `The key ${key.node.path} is imported, so its policy cannot be extended here: it must allow logs.<region>.amazonaws.com ` +
      `to use it for log groups ${patterns.join(' and ')} (kms:EncryptionContext:aws:logs:arn), ${hint}`,
  );
}
