/**
 * The receivers' documented formats, checked on what actually arrives:
 * - PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): routing_key, event_action
 *   trigger|acknowledge|resolve, dedup_key ≤ 255 characters; a trigger's payload has summary
 *   (≤ 1,024), source, severity critical|error|warning|info, and optional timestamp (ISO 8601),
 *   component, group, class, custom_details (an object); links [{href, text?}]; a resolve needs only
 *   routing_key, event_action, dedup_key.
 * - Slack incoming webhooks with Block Kit (api.slack.com/reference/block-kit): `text` plus at most
 *   50 blocks; header: plain_text ≤ 150; section: text ≤ 3,000 and/or ≤ 10 fields of ≤ 2,000;
 *   context: ≤ 10 elements; actions: buttons with plain_text ≤ 75 and url ≤ 3,000.
 */
const TRIGGER_KEYS = ['client', 'client_url', 'dedup_key', 'event_action', 'links', 'payload', 'routing_key'];
const PAYLOAD_KEYS = ['class', 'component', 'custom_details', 'group', 'severity', 'source', 'summary', 'timestamp'];

export function expectPagerDutyEvent(body: any): void {
  expect(typeof body.routing_key).toBe('string');
  expect(['trigger', 'acknowledge', 'resolve']).toContain(body.event_action);
  expect(typeof body.dedup_key).toBe('string');
  expect(body.dedup_key.length).toBeLessThanOrEqual(255);
  if (body.event_action === 'resolve') {
    expect(Object.keys(body).sort()).toEqual(['dedup_key', 'event_action', 'routing_key']);
    return;
  }
  expect(Object.keys(body).every((k) => TRIGGER_KEYS.includes(k))).toBe(true);
  expect(Object.keys(body.payload).sort()).toEqual(PAYLOAD_KEYS);
  const p = body.payload;
  expect(p.summary.length).toBeGreaterThan(0);
  expect(p.summary.length).toBeLessThanOrEqual(1024);
  expect(typeof p.source).toBe('string');
  expect(['critical', 'error', 'warning', 'info']).toContain(p.severity);
  expect(new Date(p.timestamp).toISOString()).toBe(p.timestamp);
  expect(typeof p.custom_details).toBe('object');
  for (const link of body.links) {
    expect(Object.keys(link).sort()).toEqual(['href', 'text']);
    expect(link.href).toMatch(/^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//);
  }
}

function expectText(t: any, type: 'plain_text' | 'mrkdwn' | 'any', max: number): void {
  expect(type === 'any' ? ['plain_text', 'mrkdwn'] : [type]).toContain(t.type);
  expect(t.text.length).toBeGreaterThan(0);
  expect(t.text.length).toBeLessThanOrEqual(max);
}

export function expectSlackMessage(body: any): void {
  expect(typeof body.text).toBe('string');
  expect(body.text.length).toBeGreaterThan(0);
  expect(body.blocks.length).toBeLessThanOrEqual(50);
  for (const block of body.blocks) {
    switch (block.type) {
      case 'header':
        expectText(block.text, 'plain_text', 150);
        break;
      case 'section':
        expect(block.text !== undefined || block.fields !== undefined).toBe(true);
        if (block.text) expectText(block.text, 'any', 3000);
        if (block.fields) {
          expect(block.fields.length).toBeLessThanOrEqual(10);
          for (const f of block.fields) expectText(f, 'any', 2000);
        }
        break;
      case 'context':
        expect(block.elements.length).toBeLessThanOrEqual(10);
        for (const e of block.elements) expectText(e, 'any', 3000);
        break;
      case 'actions':
        for (const b of block.elements) {
          expect(b.type).toBe('button');
          expectText(b.text, 'plain_text', 75);
          expect(b.url.length).toBeLessThanOrEqual(3000);
          expect(b.url).toMatch(/^https:\/\//);
        }
        break;
      default:
        throw new Error(`unexpected block type ${block.type}`);
    }
  }
}
