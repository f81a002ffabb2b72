/** Glue as the `TableSchemaSource`: GetTable's columns and partition keys. */
import { EntityNotFoundException, GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import type { TableColumnInfo, TableSchemaSource } from '../../ports/table-schema';

export class GlueTableSchema implements TableSchemaSource {
  constructor(private readonly client: GlueClient) {}

  async columns(database: string, table: string): Promise<readonly TableColumnInfo[] | null> {
    try {
      const out = await this.client.send(new GetTableCommand({ DatabaseName: database, Name: table }));
      const t = out.Table;
      return [...(t?.StorageDescriptor?.Columns ?? []), ...(t?.PartitionKeys ?? [])].map((c) => ({ name: c.Name ?? '', type: (c.Type ?? '').toLowerCase() }));
    } catch (error) {
      if (error instanceof EntityNotFoundException) return null;
      throw error;
    }
  }
}
