/**
 * What the promotion steps know about the model, from its config (the model file beside the bundle,
 * as the retraining Lambdas read it) and the names shared with the construct (`lib/promotion/naming.ts`).
 */
import type { ModelConfig, PromotionConfig } from '../../config/schema';
import { modelRecordSpec } from '../../config/record-spec';
import { glueDatabaseName, labelTableName, predictionTableName } from '../../lib/common/naming';
import { CANARY_ALARMS, canaryAlarmName } from '../../lib/promotion/naming';
import { modelPackageGroupName } from '../../lib/retraining/naming';
import type { CanaryPolicy } from '../core/promotion/deployment';
import type { ModelRecordSpec } from '../core/schema/record-schema';
import { defaultKeyMetric } from '../monitor/model';
import type { TableRef } from '../sql/table';

export interface PromotionSettings {
  readonly env: string;
  readonly modelId: string;
  readonly endpointName: string;
  readonly executionRoleArn: string;
  readonly modelPackageGroup: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly autoApprove: boolean;
  readonly shadow: { readonly metric: string; readonly minLabelledRows: number; readonly alpha: number; readonly resamples: number };
  readonly canary: CanaryPolicy;
  readonly canaryAlarmNames: readonly string[];
  readonly spec: ModelRecordSpec;
  readonly predictionTable: TableRef;
  readonly labelTable: TableRef;
  readonly positiveClass?: string;
  readonly classes?: readonly string[];
}

/**
 * @param executionRoleArn the config's, else the one the construct made (the Lambda's environment)
 * @throws Error when the model has no promotion section, is a ranking model, or no role is known
 */
export function promotionSettings(env: string, model: ModelConfig, executionRoleArn?: string): PromotionSettings {
  const p: PromotionConfig | undefined = model.promotion;
  if (!p) throw new Error(`model ${model.id} has no promotion section in its config`);
  if (model.task === 'ranking') throw new Error(`model ${model.id} is a ranking model: promotion compares no ranking metric`);
  const role = p.executionRoleArn ?? executionRoleArn;
  if (!role) throw new Error(`model ${model.id}: no execution role for the SageMaker models (promotion.executionRoleArn, or DW_MODEL_ROLE_ARN set by the construct)`);
  const database = glueDatabaseName(env);
  return {
    env,
    modelId: model.id,
    endpointName: p.endpointName,
    executionRoleArn: role,
    modelPackageGroup: modelPackageGroupName(env, model.id),
    instanceType: p.instanceType,
    instanceCount: p.instanceCount,
    autoApprove: p.autoApprove,
    shadow: { metric: p.shadow.metric ?? defaultKeyMetric(model.task), minLabelledRows: p.shadow.minLabelledRows, alpha: p.shadow.alpha, resamples: p.shadow.bootstrapResamples },
    canary: { sizePercent: p.canary.sizePercent, waitMinutes: p.canary.waitMinutes, terminationWaitMinutes: p.canary.terminationWaitMinutes },
    canaryAlarmNames: CANARY_ALARMS.map((a) => canaryAlarmName(env, model.id, a)),
    spec: modelRecordSpec(model),
    predictionTable: { database, table: predictionTableName(model.id) },
    labelTable: { database, table: labelTableName(model.id) },
    ...(model.label.positiveClass !== undefined ? { positiveClass: model.label.positiveClass } : {}),
    ...(model.label.classes !== undefined ? { classes: model.label.classes } : {}),
  };
}
