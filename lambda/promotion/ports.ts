/**
 * What the promotion steps need, in their own words: the SageMaker hosting they change (endpoint,
 * endpoint configs, models from packages, package approval), the query engine that reads the labelled
 * shadow rows (`lambda/ports/query-engine.ts`, the SQL of `lambda/sql/shadow-query.ts`), the ledger
 * every step writes to, and the clock. The AWS adapter is `adapters/sagemaker-hosting.ts`.
 */
import type { DeploymentConfig, EndpointConfigSpec } from '../core/promotion/deployment';
import type { Clock } from '../ports/clock';
import type { QueryEngine } from '../ports/query-engine';
import type { PromotionLedger } from './ledger';

export type ApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

export interface PackageInfo {
  readonly arn: string;
  readonly group: string;
  readonly version: string;
  readonly approvalStatus: ApprovalStatus;
  readonly approvalDescription: string | null;
  /** Who last changed the package (Studio's user profile or the IAM identity), when SageMaker says. */
  readonly modifiedBy: string | null;
}

/** A variant the endpoint serves: its SageMaker model and the package that model was made from. */
export interface ServedVariant {
  readonly variantName: string;
  readonly modelName: string;
  /** Null when the model was not made from a model package. */
  readonly packageArn: string | null;
}

export interface EndpointState {
  readonly name: string;
  /** SageMaker's EndpointStatus: Creating, Updating, InService, RollingBack, Failed, UpdateRollbackFailed, ... */
  readonly status: string;
  /** The config the endpoint serves now (during an update: the old one until traffic has moved). */
  readonly configName: string;
  /** The config an update in progress moves to, or null. */
  readonly pendingConfigName: string | null;
  readonly failureReason: string | null;
  /** The production variant (promotion keeps one, named `champion`). */
  readonly production: ServedVariant;
  readonly shadow: ServedVariant | null;
}

export interface ModelHosting {
  /** Null when there is no such endpoint. */
  endpoint(name: string): Promise<EndpointState | null>;
  /** Creates the SageMaker model serving a package version; nothing when a model of that name exists. */
  createModelFromPackage(modelName: string, packageArn: string, executionRoleArn: string): Promise<void>;
  /** Creates the endpoint config; nothing when one of that name exists (configs are immutable and named by what they serve). */
  createEndpointConfig(spec: EndpointConfigSpec): Promise<void>;
  /** Moves the endpoint to the config, through the deployment config when given. */
  updateEndpoint(endpointName: string, configName: string, deployment?: DeploymentConfig): Promise<void>;
  modelPackage(arn: string): Promise<PackageInfo>;
  setApproval(arn: string, status: 'Approved' | 'Rejected', description: string): Promise<void>;
  /** Every Approved version of the group, oldest first. */
  approvedPackages(group: string): Promise<PackageInfo[]>;
}

export interface PromotionPorts {
  readonly hosting: ModelHosting;
  readonly query: QueryEngine;
  readonly ledger: PromotionLedger;
  readonly clock: Clock;
}

/** The version number at the end of a versioned model package ARN. @throws naming the ARN */
export function packageVersion(arn: string): string {
  const m = /\/(\d+)$/.exec(arn);
  if (!m) throw new Error(`${JSON.stringify(arn)} is not a versioned model package ARN (…:model-package/<group>/<version>)`);
  return m[1];
}

/** The ARN of another version of the same group. */
export function packageArnOf(anyVersionArn: string, version: string): string {
  packageVersion(anyVersionArn);
  return anyVersionArn.replace(/\/\d+$/, `/${version}`);
}
