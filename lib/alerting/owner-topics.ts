/**
 * OwnerTopics: one SNS topic per owner and severity (`dw-<env>-<owner-slug>-critical|warning`), where
 * the alarms of the owner's models (and of features routed to the owner) notify. Each topic is
 * encrypted with the environment's key, refuses publishing without TLS, lets CloudWatch alarms of this
 * environment publish, and has the owner's email subscribed when the severity's channels include email.
 * The notifier subscribes to every topic (`routes`) and sends PagerDuty and Slack from there.
 */
import { Aws, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALERTING_DEFAULTS, type DriftwatchConfig, type OwnerConfig } from '../../config/schema';
import type { IAlarmTopics } from './model-alarms';
import { alarmArnPattern, ownerSlug, SEVERITIES, topicArn, topicName, type Severity } from './naming';

export type AlertChannel = DriftwatchConfig['models'][number]['alerting']['channels']['critical'][number];

/** An owner and the channels each of its severities reaches. */
export interface OwnerChannels {
  readonly owner: OwnerConfig;
  readonly channels: { readonly critical: readonly AlertChannel[]; readonly warning: readonly AlertChannel[] };
}

/** One topic with what the notifier needs to deliver from it. */
export interface OwnerTopicRoute {
  readonly owner: OwnerConfig;
  readonly slug: string;
  readonly severity: Severity;
  readonly topic: sns.Topic;
  readonly channels: readonly AlertChannel[];
}

export interface OwnerTopicsProps {
  readonly env: string;
  /** Every owner alarms can reach; one slug per owner (the config rules check it). */
  readonly owners: readonly OwnerChannels[];
  /**
   * The key the topics are encrypted with. A key defined in this app gets the key-policy statement
   * that lets CloudWatch alarms of this environment use it to publish; an imported key's policy must
   * already allow `cloudwatch.amazonaws.com` `kms:Decrypt` and `kms:GenerateDataKey*`.
   */
  readonly key: kms.IKey;
}

/** The owners of a config: each model's owner with its channels, and owners features route to (default channels unless they own a model). */
export function ownersOfConfig(config: DriftwatchConfig): OwnerChannels[] {
  const bySlug = new Map<string, OwnerChannels>();
  for (const m of config.models) bySlug.set(ownerSlug(m.owner.name), bySlug.get(ownerSlug(m.owner.name)) ?? { owner: m.owner, channels: m.alerting.channels });
  for (const m of config.models) {
    for (const r of Object.values(m.alerting.features)) {
      if (r.owner && !bySlug.has(ownerSlug(r.owner.name))) bySlug.set(ownerSlug(r.owner.name), { owner: r.owner, channels: ALERTING_DEFAULTS.channels });
    }
  }
  return [...bySlug.values()];
}

/** The models whose alarms can reach an owner: the owner's own, and those with a feature routed to the owner. */
export function modelsReachingOwner(config: DriftwatchConfig, owner: OwnerConfig): string[] {
  const slug = ownerSlug(owner.name);
  return config.models
    .filter((m) => ownerSlug(m.owner.name) === slug || Object.values(m.alerting.features).some((r) => r.owner && ownerSlug(r.owner.name) === slug))
    .map((m) => m.id);
}

/** Whether any of an owner's topics routes to PagerDuty or Slack (otherwise email alone needs no notifier). */
export function needsNotifier(o: OwnerChannels): boolean {
  return [...o.channels.critical, ...o.channels.warning].some((c) => c !== 'email');
}

/**
 * @example
 * const topics = new OwnerTopics(dataStack, 'OwnerTopics', { env: 'prod', owners: ownersOfConfig(config), key: lake.key });
 * for (const r of topics.routes) r.topic.addSubscription(new subs.LambdaSubscription(notifier));
 */
export class OwnerTopics extends Construct implements IAlarmTopics {
  /** Every topic with its owner, severity and channels. */
  readonly routes: readonly OwnerTopicRoute[];
  /** Whether the key policy now lets CloudWatch publish (false for an imported key). */
  readonly keyPolicyAdded: boolean;

  constructor(scope: Construct, id: string, props: OwnerTopicsProps) {
    super(scope, id);
    this.keyPolicyAdded = allowCloudWatchAlarms(this, props.key, props.env);
    this.routes = props.owners.flatMap((o) => SEVERITIES.map((severity) => this.topic(props, o, severity)));
  }

  /**
   * The notifier's `DW_ROUTES` for one owner: `{"<topic ARN>": [channels]}` of the owner's two topics,
   * email left out (it is the topics' own subscription), as a string CloudFormation resolves.
   */
  notifierRoutesJson(owner: OwnerConfig): string {
    const mine = this.routes.filter((r) => r.slug === ownerSlug(owner.name));
    const parts = mine.flatMap((r, i) => [i === 0 ? '{"' : ',"', r.topic.topicArn, `":${JSON.stringify(r.channels.filter((c) => c !== 'email'))}`]);
    return Fn.join('', [...parts, '}']);
  }

  /** The owner's topics (both severities): what the owner's notifier subscribes to. */
  routesOf(owner: OwnerConfig): OwnerTopicRoute[] {
    return this.routes.filter((r) => r.slug === ownerSlug(owner.name));
  }

  topicFor(owner: OwnerConfig, severity: Severity): sns.ITopic {
    const route = this.routes.find((r) => r.slug === ownerSlug(owner.name) && r.severity === severity);
    if (!route) throw new Error(`no topic for owner ${JSON.stringify(owner.name)} (owners: ${[...new Set(this.routes.map((r) => r.owner.name))].join(', ')})`);
    return route.topic;
  }

  private topic(props: OwnerTopicsProps, o: OwnerChannels, severity: Severity): OwnerTopicRoute {
    const slug = ownerSlug(o.owner.name);
    const channels = severity === 'Critical' ? o.channels.critical : o.channels.warning;
    const topic = alarmTopic(this, `${slug}-${severity}`, {
      env: props.env,
      topicName: topicName(props.env, o.owner, severity),
      displayName: `Driftwatch ${props.env} ${severity.toLowerCase()} alerts for ${o.owner.name}`,
      key: props.key,
      email: channels.includes('email') ? o.owner.email : undefined,
    });
    return { owner: o.owner, slug, severity, topic, channels };
  }
}

/** What `alarmTopic` makes. */
export interface AlarmTopicProps {
  readonly env: string;
  readonly topicName: string;
  /** Cut to SNS's 100 characters. */
  readonly displayName: string;
  readonly key: kms.IKey;
  /** Subscribed by email when given. */
  readonly email?: string;
}

/**
 * A topic CloudWatch alarms of this environment notify: encrypted with the key, TLS only, publishing
 * allowed to the account's `dw-<env>-*` alarms, with an email subscription when `email` is given.
 */
export function alarmTopic(scope: Construct, id: string, props: AlarmTopicProps): sns.Topic {
  const topic = new sns.Topic(scope, id, { topicName: props.topicName, displayName: props.displayName.slice(0, 100), masterKey: props.key, enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': alarmArnPattern(scope, props.env) } },
    }),
  );
  if (props.email) new sns.Subscription(scope, `${id}-email`, { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: props.email });
  return topic;
}

/**
 * Lets CloudWatch alarms of this environment use the key to publish to the encrypted topics
 * (`kms:Decrypt` and `kms:GenerateDataKey*`, as the SNS documentation asks of AWS services publishing
 * to an encrypted topic), only for alarms named `dw-<env>-*` of this account.
 */
function allowCloudWatchAlarms(scope: Construct, key: kms.IKey, env: string): boolean {
  return key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `CloudWatchAlarms${env}`,
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy "*" is the key itself.
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': alarmArnPattern(scope, env) } },
    }),
    /* allowNoOp */ true,
  ).statementAdded;
}

/** The environment's owner topics seen from another stack, by their deterministic ARNs (no exports). */
export function importOwnerTopics(scope: Construct, env: string): IAlarmTopics {
  return {
    topicFor(owner, severity) {
      const id = `Topic-${topicName(env, owner, severity)}`;
      return (scope.node.tryFindChild(id) as sns.ITopic | undefined) ?? sns.Topic.fromTopicArn(scope, id, topicArn(scope, env, owner, severity));
    },
  };
}
