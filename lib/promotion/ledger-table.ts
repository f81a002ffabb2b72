/**
 * PromotionLedgerTable: the environment's promotion ledger (`lambda/promotion/ledger.ts`), a DynamoDB
 * table every model's trigger, gate and promotion steps append to and `driftwatch history` reads.
 * Audit data: encrypted with a customer-managed KMS key, point-in-time recovery on, no TTL, retained
 * and protected from deletion unless told otherwise, and writers get PutItem only (an append is a
 * TransactWriteItems of two Puts, which IAM authorises as dynamodb:PutItem per item), never
 * UpdateItem or DeleteItem: nothing Driftwatch runs can change or remove an entry.
 *
 * ```ts
 * const ledger = new PromotionLedgerTable(this, 'Ledger', { env: 'prod' });
 * ledger.grantRead(auditorRole);
 * new RetrainTrigger(this, 'FraudRetraining', { ..., ledger });
 * ```
 * Another stack imports it by name (`PromotionLedgerTable.fromTableName`), so its grants resolve there.
 */
import { Annotations, Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { LEDGER_TABLE_KEYS } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { acknowledgeNag } from '../common/nag';
import { promotionLedgerTableName } from './naming';

export interface PromotionLedgerTableProps {
  /** Environment name (`prod`): the table's name and description. */
  readonly env: string;
  /** Physical name; other stacks and the CLI find the table by it. @default promotionLedgerTableName(env), `dw-<env>-promotion-ledger` */
  readonly tableName?: string;
  /** The key the table is encrypted with. @default - a new customer-managed key with automatic rotation */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the table (and a key it creates) when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse DeleteTable until this is turned off. @default true */
  readonly deletionProtection?: boolean;
}

/** What the constructs that append to or read the ledger need. */
export interface IPromotionLedgerTable extends IConstruct {
  readonly tableName: string;
  readonly tableArn: string;
  readonly encryptionKey: kms.IKey;
  /** Lets `grantee` append entries (dynamodb:PutItem; the key through DynamoDB only). */
  grantAppend(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` read history (dynamodb:Query, GetItem; decrypt through DynamoDB only). */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** grantAppend's statements, for a role that keeps its permissions in a managed policy (`lib/compliance/managed-policy.ts`). */
  appendStatements(): iam.PolicyStatement[];
  /** grantRead's statements, likewise. */
  readStatements(): iam.PolicyStatement[];
}

/** An existing ledger table, for `PromotionLedgerTable.fromTableName`. */
export interface PromotionLedgerTableAttributes {
  readonly tableName: string;
  /** The key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;
}

abstract class PromotionLedgerTableBase extends Construct implements IPromotionLedgerTable {
  abstract readonly tableName: string;
  abstract readonly tableArn: string;
  abstract readonly encryptionKey: kms.IKey;

  appendStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'AppendToPromotionLedger', actions: ['dynamodb:PutItem'], resources: [this.tableArn] }),
      new iam.PolicyStatement({ sid: 'UseLedgerKeyThroughDynamoDB', actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn], conditions: this.viaDynamoDb() }),
    ];
  }

  grantAppend(grantee: iam.IGrantable): iam.Grant {
    return this.statementsGrant(grantee, this.appendStatements());
  }

  readStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'ReadPromotionLedger', actions: ['dynamodb:Query', 'dynamodb:GetItem'], resources: [this.tableArn] }),
      new iam.PolicyStatement({ sid: 'DecryptLedgerThroughDynamoDB', actions: ['kms:Decrypt', 'kms:DescribeKey'], resources: [this.encryptionKey.keyArn], conditions: this.viaDynamoDb() }),
    ];
  }

  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.statementsGrant(grantee, this.readStatements());
  }

  private viaDynamoDb() {
    return { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } };
  }

  private statementsGrant(grantee: iam.IGrantable, statements: iam.PolicyStatement[]): iam.Grant {
    return statements
      .map((s) => iam.Grant.addToPrincipal({ grantee, actions: s.actions, resourceArns: s.resources, conditions: s.conditions as Record<string, Record<string, unknown>> }))
      .reduce((all, one) => all.combine(one));
  }
}

export class PromotionLedgerTable extends PromotionLedgerTableBase {
  /** Imports the ledger made in another stack by its (deterministic) name. */
  static fromTableName(scope: Construct, id: string, attrs: PromotionLedgerTableAttributes): IPromotionLedgerTable {
    class Imported extends PromotionLedgerTableBase {
      readonly tableName = attrs.tableName;
      readonly tableArn = Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: attrs.tableName });
      readonly encryptionKey = attrs.encryptionKey;
    }
    return new Imported(scope, id);
  }

  readonly table: dynamodb.Table;
  readonly tableName: string;
  readonly tableArn: string;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: PromotionLedgerTableProps) {
    super(scope, id);
    const name = props.tableName ?? promotionLedgerTableName(props.env);
    if (!Token.isUnresolved(name) && !/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
      throw new Error(`PromotionLedgerTable: tableName must be 3-255 letters, digits, '_', '-' or '.', got ${JSON.stringify(name)} (props.tableName, or props.env ${JSON.stringify(props.env)})`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    if (removalPolicy !== RemovalPolicy.RETAIN && deletionProtection) {
      Annotations.of(this).addWarningV2('driftwatch:ledger:protectedDestroy', `removalPolicy ${removalPolicy} with deletionProtection on: CloudFormation cannot delete the table until props.deletionProtection is false`);
    }
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: `Driftwatch ${props.env}: the promotion ledger table`, enableKeyRotation: true, removalPolicy });
    const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE_KEYS;
    // A Table, not a TableV2 (AWS::DynamoDB::GlobalTable): the compliance packs' DynamoDB rules
    // (point-in-time recovery, backup plan) read AWS::DynamoDB::Table, as AWS Config's rules do.
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: name,
      partitionKey: { name: pk.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: sk.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection,
      removalPolicy,
    });
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
    acknowledgeNag(
      this.table,
      ['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
        id: `${pack}-DynamoDBInBackupPlan`,
        reason:
          'The ledger is append-only: the grants Driftwatch makes allow PutItem under attribute_not_exists and reads, never UpdateItem or DeleteItem, ' +
          'the table has deletion protection and is retained with its stack, and point-in-time recovery restores any second of the last 35 days; ' +
          'copies kept longer belong to the account\'s AWS Backup plan or organisation backup policy, which can select this table by name',
      })),
    );
  }
}
