/**
 * ModelPromotion on its own in a team's stack, asserted on the synthesized template: the promote and
 * rollback state machines' states and transitions as the contract draws them, the Lambda's least
 * privilege, the registration rule, logging, tracing and the alarms; the four cdk-nag packs and
 * cfn-lint on the template. The machines' logic is executed in promotion-paths.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration, Stack } from 'aws-cdk-lib';
import { removeTemporaryAssets } from '../../lib/monitor';
import { promoteStateMachineName, rollbackStateMachineName } from '../../lib/promotion';
import { PACKS } from './compliance-report';
import { asArray, iamStatements, renderCfn as render } from './helpers';
import { definitionOf, ENDPOINT, promotionConfig, promotionStack, stubBundles, type StateMachineDefinition } from './promotion.test-fixture';

/** How the template writes the partition of an ARN. */
const P = 'arn:${AWS::Partition}';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-'));
const bundles = stubBundles(path.join(tmp, 'bundles'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const team = promotionStack(path.join(tmp, 'out'), bundles);
const promote = definitionOf(team.template, promoteStateMachineName('team', 'fraud_detector'));
const rollback = definitionOf(team.template, rollbackStateMachineName('team', 'fraud_detector'));

/** Every state with where it can go next (Next, Choice branches, Default), terminal states with []. */
function transitions(d: StateMachineDefinition): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(d.States).map(([name, s]) => {
      const choices = ((s.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next);
      return [name, [...choices, ...[s.Next, s.Default].filter((n): n is string => typeof n === 'string')]];
    }),
  );
}

const statementsOf = (description: RegExp) => {
  const policies = Object.values(team.template.findResources('AWS::IAM::ManagedPolicy')).filter((p) => description.test(p.Properties.Description));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement as { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
};
const actionsOn = (statements: ReturnType<typeof statementsOf>, action: string) => statements.filter((s) => asArray(s.Action).includes(action)).flatMap((s) => asArray(s.Resource).map(render));

describe('the promote state machine', () => {
  it('goes shadow → compare → approval → canary → promoted, each loop waiting and counting, every failure through a Fail state', () => {
    expect(promote.StartAt).toBe('StartCounters');
    expect(transitions(promote)).toEqual({
      StartCounters: ['DeployShadow'],
      DeployShadow: ['FirstDelivery?'],
      'FirstDelivery?': ['AlreadyPromoting', 'ShadowDeployWait'],
      AlreadyPromoting: [],
      ShadowDeployWait: ['ShadowDeployStatus'],
      ShadowDeployStatus: ['ShadowDeployed?'],
      'ShadowDeployed?': ['ShadowStarted', 'ShadowDeployFailed', 'CountShadowDeployCheck'],
      CountShadowDeployCheck: ['ShadowDeployChecksLeft?'],
      'ShadowDeployChecksLeft?': ['ShadowDeployTimedOut', 'ShadowDeployWait'],
      ShadowDeployFailed: [],
      ShadowDeployTimedOut: [],
      ShadowStarted: ['ShadowWait'],
      ShadowWait: ['CompareShadow'],
      CompareShadow: ['ShadowVerdict?'],
      'ShadowVerdict?': ['ShadowWorse', 'ApprovalStatus', 'CountShadowCheck'],
      CountShadowCheck: ['ShadowChecksLeft?'],
      'ShadowChecksLeft?': ['ShadowInsufficient', 'ShadowWait'],
      ShadowWorse: ['EndShadow'],
      ShadowInsufficient: ['EndShadow'],
      ApprovalStatus: ['Approved?'],
      'Approved?': ['Promote', 'ApprovalRejected', 'CountApprovalCheck'],
      CountApprovalCheck: ['ApprovalChecksLeft?'],
      'ApprovalChecksLeft?': ['ApprovalTimedOut', 'ApprovalWait'],
      ApprovalWait: ['ApprovalStatus'],
      ApprovalRejected: ['EndShadow'],
      ApprovalTimedOut: ['EndShadow'],
      EndShadow: ['NotPromoted'],
      NotPromoted: [],
      Promote: ['CanaryWait'],
      CanaryWait: ['CanaryStatus'],
      CanaryStatus: ['CanarySettled?'],
      'CanarySettled?': ['CanaryRolledBack', 'RecordPromotion', 'PromotionFailed', 'CountCanaryCheck'],
      CountCanaryCheck: ['CanaryChecksLeft?'],
      'CanaryChecksLeft?': ['CanaryTimedOut', 'CanaryWait'],
      CanaryRolledBack: [],
      PromotionFailed: [],
      CanaryTimedOut: [],
      RecordPromotion: ['Promoted'],
      Promoted: [],
    });
    const fails = Object.entries(promote.States).filter(([, s]) => s.Type === 'Fail');
    expect(fails.map(([n]) => n).sort()).toEqual(['CanaryRolledBack', 'CanaryTimedOut', 'NotPromoted', 'PromotionFailed', 'ShadowDeployFailed', 'ShadowDeployTimedOut']);
    for (const [, s] of fails) expect(typeof (s.Cause ?? s.CausePath)).toBe('string');
    expect(promote.States.NotPromoted.CausePath).toBe('$.outcome.reason');
  });

  it('waits the intervals of the config and the props, and gives up after the configured number of checks', () => {
    expect(promote.States.ShadowWait.Seconds).toBe(60 * 60);
    expect(promote.States['ShadowChecksLeft?']).toMatchObject({ Choices: [{ Variable: '$.checks.shadow.n', NumericGreaterThanEquals: 48 }] });
    expect(promote.States.CanaryWait.Seconds).toBe(120);
    // The default endpoint checks cover the canary's bake (30) and termination wait (10) plus an hour, in 2-minute checks.
    expect(promote.States['CanaryChecksLeft?']).toMatchObject({ Choices: [{ NumericGreaterThanEquals: 50 }] });
    expect(promote.States.ApprovalWait.Seconds).toBe(3600);

    const tuned = promotionStack(path.join(tmp, 'tuned'), bundles, {
      model: promotionConfig({ shadow: { checkIntervalMinutes: 30, maxChecks: 10 } }).models[0],
      props: { endpointChecks: { interval: Duration.minutes(1), maxChecks: 120 }, approvalChecks: { interval: Duration.hours(6), maxChecks: 4 } },
    });
    const d = definitionOf(tuned.template, promoteStateMachineName('team', 'fraud_detector'));
    expect([d.States.ShadowWait.Seconds, d.States.CanaryWait.Seconds, d.States.ApprovalWait.Seconds]).toEqual([1800, 60, 6 * 3600]);
    expect(d.States['ShadowChecksLeft?']).toMatchObject({ Choices: [{ NumericGreaterThanEquals: 10 }] });
    expect(d.States['ApprovalChecksLeft?']).toMatchObject({ Choices: [{ NumericGreaterThanEquals: 4 }] });
    expect(d.States['CanaryChecksLeft?']).toMatchObject({ Choices: [{ NumericGreaterThanEquals: 120 }] });
  });

  it('invokes only the promotion function, with the payload as the event and a retry of Lambda service errors on every task', () => {
    const tasks = [...Object.values(promote.States), ...Object.values(rollback.States)].filter((s) => s.Type === 'Task');
    expect(tasks).toHaveLength(11);
    const fn = Object.keys(team.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-team-fraud_detector-promotion' } }));
    expect(fn).toHaveLength(1);
    for (const t of tasks) {
      expect(t.Resource).toBe(`\${${fn[0]}.Arn}`);
      expect(t.Retry).toEqual([expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']), MaxAttempts: 6 })]);
    }
  });
});

describe('the rollback state machine', () => {
  it('redeploys, waits for the endpoint and records the rollback, failing when the endpoint does', () => {
    expect(rollback.StartAt).toBe('StartCounters');
    expect(transitions(rollback)).toEqual({
      StartCounters: ['RollbackAction'],
      RollbackAction: ['RollbackRequest'],
      RollbackRequest: ['Rollback'],
      Rollback: ['RollbackWait'],
      RollbackWait: ['RollbackStatus'],
      RollbackStatus: ['RollbackSettled?'],
      'RollbackSettled?': ['RollbackRolledBack', 'RecordRollback', 'RollbackFailed', 'CountRollbackCheck'],
      CountRollbackCheck: ['RollbackChecksLeft?'],
      'RollbackChecksLeft?': ['RollbackTimedOut', 'RollbackWait'],
      RollbackRolledBack: [],
      RollbackFailed: [],
      RollbackTimedOut: [],
      RecordRollback: ['RolledBack'],
      RolledBack: [],
    });
  });
});

describe('the state machines', () => {
  it('are named for driftwatch rollback, log every event with its data to an encrypted log group and trace with X-Ray', () => {
    for (const name of [promoteStateMachineName('team', 'fraud_detector'), rollbackStateMachineName('team', 'fraud_detector')]) {
      team.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: name,
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }] },
      });
    }
    // Under /aws/vendedlogs/, so Step Functions leaves the account's 5,120-character Logs resource policy alone.
    team.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/vendedlogs/states/dw-team-fraud_detector-promotion', KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    // ... and the key lets CloudWatch Logs encrypt it.
    const keyPolicies = JSON.stringify(Object.values(team.template.findResources('AWS::KMS::Key')).map((k) => k.Properties.KeyPolicy));
    expect(keyPolicies).toContain('log-group:/aws/vendedlogs/states/dw-team-fraud_detector-promotion*');
  });

  it("run as a role that may invoke the promotion function and nothing else of the account's", () => {
    const statements = statementsOf(/state machines of fraud_detector/);
    const invoke = actionsOn(statements, 'lambda:InvokeFunction');
    expect(invoke).toEqual([expect.stringMatching(/^\$\{FraudPromotionFunction\w+\.Arn\}$/), expect.stringMatching(/^\$\{FraudPromotionFunction\w+\.Arn\}:\*$/)]);
    for (const s of statements.filter((x) => asArray(x.Resource).includes('*'))) expect(asArray(s.Action).every((a) => /^(logs|xray):/.test(a))).toBe(true);
  });

  it('are started by grantStartPromotion and grantStartRollback, each on its own machine', () => {
    const { app, promotion } = promotionStack(path.join(tmp, 'grants'), bundles);
    const cli = new iam.Role(new Stack(app, 'Cli', { env: { account: '123456789012', region: 'eu-west-1' } }), 'Rollback', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = promotion.grantStartRollback(cli);
    expect(grant.success).toBe(true);
    const doc = Stack.of(cli).resolve((cli.node.tryFindChild('DefaultPolicy') as iam.Policy).document);
    expect(doc.Statement).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: expect.anything() })]);
    expect(JSON.stringify(doc)).toContain('Rollback');
    expect(JSON.stringify(doc)).not.toContain('Promote');
    expect(promotion.grantStartPromotion(cli).success).toBe(true);
  });
});

describe("the promotion function's permissions", () => {
  const statements = statementsOf(/promotion steps of fraud_detector/);

  it('changes only its endpoint, through configs and models named for this model', () => {
    expect(actionsOn(statements, 'sagemaker:UpdateEndpoint')).toEqual([
      `${P}:sagemaker:eu-west-1:123456789012:endpoint/${ENDPOINT}`,
      `${P}:sagemaker:eu-west-1:123456789012:endpoint-config/dw-team-fraud-detector-*`,
    ]);
    expect(actionsOn(statements, 'sagemaker:CreateEndpointConfig')).toEqual([
      `${P}:sagemaker:eu-west-1:123456789012:endpoint-config/dw-team-fraud-detector-*`,
      `${P}:sagemaker:eu-west-1:123456789012:model/dw-team-fraud-detector-*`,
    ]);
    expect(actionsOn(statements, 'sagemaker:CreateModel')).toEqual(actionsOn(statements, 'sagemaker:CreateEndpointConfig'));
    expect(actionsOn(statements, 'sagemaker:DescribeEndpoint')).toEqual([`${P}:sagemaker:eu-west-1:123456789012:endpoint/${ENDPOINT}`]);
    // Reading any config and model: the endpoint's first config and champion are named by the team.
    const readable = statements.filter((s) => asArray(s.Action).includes('sagemaker:DescribeModel'));
    expect(readable.map((s) => s.Action)).toEqual([['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel']]);
    expect(actionsOn(statements, 'sagemaker:DescribeModel')).toEqual([`${P}:sagemaker:eu-west-1:123456789012:endpoint-config/*`, `${P}:sagemaker:eu-west-1:123456789012:model/*`]);
  });

  it("reads and approves packages of the model's group only; listing is the one action on *", () => {
    expect(actionsOn(statements, 'sagemaker:UpdateModelPackage')).toEqual([
      `${P}:sagemaker:eu-west-1:123456789012:model-package-group/dw-team-fraud-detector`,
      `${P}:sagemaker:eu-west-1:123456789012:model-package/dw-team-fraud-detector/*`,
    ]);
    expect(actionsOn(statements, 'sagemaker:DescribeModelPackage')).toEqual(actionsOn(statements, 'sagemaker:UpdateModelPackage'));
    const star = statements.filter((s) => asArray(s.Resource).includes('*'));
    expect(star.map((s) => s.Action)).toEqual(['sagemaker:ListModelPackages']);
  });

  it('passes the model execution role to SageMaker only', () => {
    const pass = statements.filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(render(pass[0].Resource)).toMatch(/^\$\{FraudPromotionModelExecutionRole\w+\.Arn\}$/);
    expect(pass[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
  });

  it("queries in the workgroup over the model's tables, appends to the ledger and describes the canary alarms", () => {
    expect(actionsOn(statements, 'athena:StartQueryExecution')).toEqual([`${P}:athena:eu-west-1:123456789012:workgroup/driftwatch-team`]);
    expect(actionsOn(statements, 'glue:GetTable')).toEqual(expect.arrayContaining([
      `${P}:glue:eu-west-1:123456789012:table/driftwatch_team/predictions_fraud_detector`,
      `${P}:glue:eu-west-1:123456789012:table/driftwatch_team/labels_fraud_detector`,
    ]));
    expect(actionsOn(statements, 's3:GetObject')).toEqual(expect.arrayContaining([expect.stringMatching(/\/predictions\/fraud_detector\/\*$/), expect.stringMatching(/\/labels\/fraud_detector\/\*$/)]));
    expect(actionsOn(statements, 'dynamodb:PutItem')).toEqual([expect.stringMatching(/^\$\{Ledger\w+\.Arn\}$/)]);
    expect(actionsOn(statements, 'cloudwatch:DescribeAlarms')).toEqual(['5xx', 'latency', 'performance'].map((a) => `${P}:cloudwatch:eu-west-1:123456789012:alarm:dw-team-fraud_detector-canary-${a}`));
    // Everything is in the managed policy: no inline policy on any role of the stack.
    expect(Object.keys(team.template.findResources('AWS::IAM::Policy'))).toEqual([]);
    expect(iamStatements(team.template).length).toBeGreaterThan(20);
  });

  it('is told its endpoint, group, execution role, canary alarms, variants and ledger', () => {
    team.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'dw-team-fraud_detector-promotion',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          DW_ENDPOINT_NAME: ENDPOINT,
          DW_MODEL_PACKAGE_GROUP: 'dw-team-fraud-detector',
          DW_EXECUTION_ROLE_ARN: Match.anyValue(),
          DW_CANARY_ALARMS: JSON.stringify(['5xx', 'latency', 'performance'].map((a) => `dw-team-fraud_detector-canary-${a}`)),
          DW_PRODUCTION_VARIANT: 'champion',
          DW_SHADOW_VARIANT: 'shadow',
          DW_LEDGER_TABLE: Match.anyValue(),
          DW_WORKGROUP: 'driftwatch-team',
        }),
      },
    });
  });

  it("announces to the owner's warning topic: DW_ALERT_TOPIC_ARN, Publish on that topic only, its key through SNS only", () => {
    const [fn] = Object.values(team.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-team-fraud_detector-promotion' } })) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    const topic = render(fn.Properties.Environment.Variables.DW_ALERT_TOPIC_ARN);
    expect(topic).toMatch(/Warning/);
    expect(actionsOn(statements, 'sns:Publish')).toEqual([topic]);
    const viaSns = statements.find((st) => JSON.stringify(st.Condition ?? {}).includes('sns.'));
    expect(asArray(viaSns?.Action as string[])).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('uses the configured execution role instead of creating one', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/fraud-serving';
    const own = promotionStack(path.join(tmp, 'own-role'), bundles, { model: promotionConfig({ executionRoleArn: roleArn }).models[0] });
    expect(Object.keys(own.template.findResources('AWS::IAM::Role')).filter((id) => /ModelExecutionRole/.test(id))).toEqual([]);
    const pass = iamStatements(own.template).filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(pass.map((s) => s.Resource)).toEqual([roleArn]);
  });
});

describe('the registration rule', () => {
  it("starts a promotion with the package's ARN when a candidate of the model's group is registered for approval", () => {
    team.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['dw-team-fraud-detector'], ModelApprovalStatus: ['PendingManualApproval'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('FraudPromotionPromote') },
          InputTransformer: { InputPathsMap: { 'detail-ModelPackageArn': '$.detail.ModelPackageArn', id: '$.id' }, InputTemplate: '{"modelPackageArn":<detail-ModelPackageArn>,"eventId":<id>}' },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 6 * 3600 },
        }),
      ],
    });
  });
});

describe('the alarms', () => {
  it("notify the owner's warning topic of failed promotions and rollbacks", () => {
    team.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'dw-team-fraud_detector-promotion-failed-Warning',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(promote, 0) + FILL(rollback, 0)' })]),
      AlarmActions: [Match.anyValue()],
    });
  });

  it('roll the canary back on 5xx errors, p99 latency and the performance ratio, from the config', () => {
    team.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'dw-team-fraud_detector-canary-5xx', Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors', Threshold: 5,
      Dimensions: Match.arrayWith([{ Name: 'EndpointName', Value: ENDPOINT }, { Name: 'VariantName', Value: 'champion' }]),
    });
    team.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'dw-team-fraud_detector-canary-latency', MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 1_000_000 });
    team.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'dw-team-fraud_detector-canary-performance', Threshold: 0.8, ComparisonOperator: 'LessThanThreshold',
      Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'MetricRatio', Dimensions: Match.arrayWith([{ Name: 'Metric', Value: 'f1' }]) }) }) })],
    });
  });
});

describe('validation', () => {
  it('refuses a model without a promotion section, and a loop that could never end or never check', () => {
    const [plain] = promotionConfig().models.map(({ promotion: _omit, ...m }) => m);
    expect(() => promotionStack(path.join(tmp, 'none'), bundles, { model: plain as never })).toThrow(/model fraud_detector has no promotion section \(props.model.promotion\)/);
    expect(() => promotionStack(path.join(tmp, 'zero'), bundles, { props: { approvalChecks: { maxChecks: 0 } } })).toThrow(/approvalChecks.maxChecks must be a whole number, at least 1, got 0/);
  });
});

describe('warnings', () => {
  const warnings = (built: ReturnType<typeof promotionStack>) =>
    Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('.*')).map((w) => String(w.entry.data));

  it('says when the checks could overflow the execution history, or end before the canary does', () => {
    expect(warnings(team).filter((w) => /history events|canary's bake/.test(w))).toEqual([]);
    const long = promotionStack(path.join(tmp, 'long'), bundles, { props: { approvalChecks: { interval: Duration.minutes(10), maxChecks: 2000 } } });
    expect(warnings(long)).toEqual(expect.arrayContaining([expect.stringMatching(/^2148 checks at most .* above Step Functions' 25000 per execution/)]));
    const short = promotionStack(path.join(tmp, 'short'), bundles, { props: { endpointChecks: { interval: Duration.minutes(1), maxChecks: 10 } } });
    expect(warnings(short)).toEqual(expect.arrayContaining([expect.stringMatching(/^endpointChecks cover 10 minutes, less than the canary's bake and termination wait \(40 minutes\)/)]));
  });
});

describe('compliance', () => {
  function packFindings(inVpc: boolean) {
    const { promotion } = promotionStack(path.join(tmp, `nag-${inVpc}`), bundles, { inVpc });
    return PACKS.flatMap((make) => make().validateScope(promotion).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)));
  }

  it.each([false, true])('has no unacknowledged finding in the four cdk-nag packs (in a VPC with reserved concurrency: %s)', (strict) => {
    expect(packFindings(strict)).toEqual([]);
  });

  it('passes cfn-lint with no error and no warning', () => {
    const assembly = team.app.synth();
    const file = path.join(assembly.directory, assembly.getStackByName('Team').templateFile);
    const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 300_000);
});
