/**
 * The Lambda function every Driftwatch capability builds from a bundled handler (`dist/handlers/<name>`,
 * bundled with esbuild at build time, from the sources at synth time when missing or stale): Node.js 22
 * on arm64, the model's `model.json` beside the bundle, its own log group, and the acknowledgements
 * every such function carries. One factory so a capability adds its function in a few lines and
 * every function gets the same runtime, architecture and compliance treatment.
 */
import { Annotations, type Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLE_FILE, HANDLER_DIST_DIR, MAX_BUNDLE_BYTES, handlerBundle, modelAssetDirectory, type ModelFile } from '../monitor/bundle';
import { acknowledgeFunctionCompliance, type FunctionNetwork } from '../compliance/network';
import { acknowledgeNag } from './nag';

/**
 * The code asset of a handler bundle with `model.json` beside it. A stale or oversized bundle is
 * reported on `scope` (info when it was rebuilt from the sources, a warning when deployed as it is).
 */
export function handlerCode(scope: Construct, handler: string, modelFile: ModelFile, bundleDirectory: string = HANDLER_DIST_DIR): lambda.Code {
  const bundle = handlerBundle(handler, bundleDirectory);
  if (bundle.stale && bundle.origin === 'bundled') Annotations.of(scope).addInfo(bundle.stale);
  if (bundle.stale && bundle.origin === 'prebuilt') Annotations.of(scope).addWarningV2(`driftwatch:staleBundle:${handler}`, bundle.stale);
  if (bundle.bytes > MAX_BUNDLE_BYTES) {
    Annotations.of(scope).addWarningV2(`driftwatch:bundleSize:${handler}`, `The ${handler} bundle is ${bundle.bytes} bytes, above the 1 MB goal (npm run bundle lists its largest packages)`);
  }
  return lambda.Code.fromAsset(modelAssetDirectory(bundle.dir, modelFile));
}

export interface HandlerFunctionProps {
  readonly functionName: string;
  readonly description: string;
  readonly code: lambda.Code;
  /** The bundle's export Lambda calls (`index.<entry>`). @default 'handler' */
  readonly entry?: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly environment: Record<string, string>;
  /** The VPC the function runs in. @default - none */
  readonly network?: FunctionNetwork;
  /** Reserved concurrent executions. @default - none */
  readonly reservedConcurrency?: number;
  /** The APIs the function calls, for the outside-a-VPC acknowledgement (`S3 and the SageMaker API`). */
  readonly calls: string;
  /** Where the function's failures are kept, for the dead-letter acknowledgement. */
  readonly failures: string;
  /** Asynchronous-invocation settings (retries, maximum event age, on-failure destination). @default - Lambda's */
  readonly asyncInvocation?: Pick<lambda.FunctionProps, 'retryAttempts' | 'maxEventAge' | 'onFailure'>;
}

/** A handler's function (Node.js 22, arm64) with the acknowledgements every Driftwatch function carries. */
export function handlerFunction(scope: Construct, id: string, props: HandlerFunctionProps): lambda.Function {
  const f = new lambda.Function(scope, id, {
    functionName: props.functionName,
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: `${BUNDLE_FILE.replace(/\.js$/, '')}.${props.entry ?? 'handler'}`,
    code: props.code,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role: props.role,
    logGroup: props.logGroup,
    environment: props.environment,
    ...props.asyncInvocation,
    ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.vpcSubnets, securityGroups: props.network.securityGroups } : {}),
    reservedConcurrentExecutions: props.reservedConcurrency,
  });
  acknowledgeFunctionCompliance(f, props, props.calls, props.failures);
  // The Function's dependency on its role includes the role's policies; CDK writes it as a DependsOn
  // beside the role's GetAtt, which cfn-lint reports as redundant (W3005): harmless.
  (f.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
    config: { ignore_checks: ['W3005'], ignore_reasons: { W3005: 'CDK adds DependsOn on the execution role beside the GetAtt of its ARN' } },
  });
  acknowledgeNag(f, [
    {
      id: 'AwsSolutions-L1',
      reason: 'The handlers are bundled for and tested on Node.js 22 (esbuild target node22), as the monitor\'s; a newer runtime is this one setting once the bundles are tested on it',
    },
  ]);
  return f;
}
