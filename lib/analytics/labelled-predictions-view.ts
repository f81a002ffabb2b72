/**
 * The per-model view joining predictions to labels, delivered as an Athena named query.
 *
 * Why a named query and not a Glue VIRTUAL_VIEW table: Athena only reads a Glue view whose
 * `ViewOriginalText` is a base64 "Presto view" JSON whose column list matches, type for type, what
 * the engine infers for the SQL (`varchar`, `timestamp(3)`, ...); any mismatch makes Athena report
 * the view as stale, and none of this can be checked when synthesizing offline. The named query
 * holds the exact `CREATE OR REPLACE VIEW` statement: run it once per model (Athena console "Saved
 * queries", or `aws athena start-query-execution --work-group <wg> --query-string ...`), and the
 * monitor's own queries use the same SQL generator, so they never depend on the view existing.
 */
import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { joinedViewName, labelTableName, predictionTableName } from '../common/naming';
import { joinedViewSql } from './view-sql';

export interface LabelledPredictionsViewProps {
  readonly model: ModelRecordSpec;
  readonly databaseName: string;
  /** Workgroup the saved query belongs to (it must exist before this is deployed). */
  readonly workGroupName: string;
  /**
   * Days of predictions the view covers.
   * @default 14
   */
  readonly lookbackDays?: number;
}

/** A saved `CREATE OR REPLACE VIEW labelled_predictions_<model>` for one model. */
export class LabelledPredictionsView extends Construct {
  readonly viewName: string;
  /** The statement that creates the view. */
  readonly sql: string;
  readonly namedQuery: athena.CfnNamedQuery;

  constructor(scope: Construct, id: string, props: LabelledPredictionsViewProps) {
    super(scope, id);
    const modelId = props.model.modelId;
    this.viewName = joinedViewName(modelId);
    this.sql = joinedViewSql({
      databaseName: props.databaseName,
      viewName: this.viewName,
      predictionTable: predictionTableName(modelId),
      labelTable: labelTableName(modelId),
      predictionColumns: predictionColumns(props.model),
      lookbackDays: props.lookbackDays ?? 14,
    });
    this.namedQuery = new athena.CfnNamedQuery(this, 'Resource', {
      name: `create-view-${this.viewName}`,
      description: `Creates ${props.databaseName}.${this.viewName}: predictions of ${modelId} joined to their latest label`,
      database: props.databaseName,
      workGroup: props.workGroupName,
      queryString: this.sql,
    });
  }
}
