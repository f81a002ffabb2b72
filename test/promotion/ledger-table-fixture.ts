/** The ledger table on moto_server, created from the key schema the construct declares (`LEDGER_TABLE_KEYS`). */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER_TABLE_KEYS } from '../../lambda/promotion/adapters/dynamodb-ledger';

export async function createLedgerTable(ddb: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE_KEYS;
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: pk.name, AttributeType: pk.type },
        { AttributeName: sk.name, AttributeType: sk.type },
      ],
      KeySchema: [
        { AttributeName: pk.name, KeyType: 'HASH' },
        { AttributeName: sk.name, KeyType: 'RANGE' },
      ],
    }),
  );
}
