/**
 * convertCaptureFile with an in-memory store and a Firehose stand-in: records Firehose fails are resent
 * by the logging client (PredictionLogger, not a copy of it), a record the contract refuses lands in the
 * error object with the validator's reason, the champion's file is skipped when the service logs the
 * champion itself, and keys outside the layout are refused by name. The real services: capture-moto.test.ts.
 */
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { parseCaptureKey } from '../../lambda/promotion/capture/capture-layout';
import { convertCaptureFile, type CaptureSettings } from '../../lambda/promotion/capture/convert-capture-file';

const spec: ModelRecordSpec = { modelId: 'eta', task: 'regression', features: [{ name: 'km', kind: 'numeric' }] };
const settings: CaptureSettings = { spec, deliveryStreamName: 'dw-test-eta-predictions', logChampion: true };
const key = (variant: string) => `capture/eta/champion=3/shadow=4/eta-prod/${variant}/2026/12/01/18/f.jsonl`;
const line = (id: string, km: string, out: string, time = '2026-12-01T18:00:00Z') =>
  JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: km, encoding: 'CSV' }, endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: out, encoding: 'CSV' } }, eventMetadata: { eventId: 'e', inferenceId: id, inferenceTime: time }, eventVersion: '0' });

function ports(body: string, failFirstSend: boolean) {
  const written = new Map<string, string>();
  const sent: Record<string, unknown>[][] = [];
  let calls = 0;
  const firehose = {
    async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
      calls += 1;
      const records = (command.input.Records ?? []).map((r) => JSON.parse(Buffer.from(r.Data as Uint8Array).toString('utf8')));
      // The first call fails the first record, as Firehose does with FailedPutCount > 0.
      const failed = failFirstSend && calls === 1 ? 1 : 0;
      sent.push(records.slice(failed));
      return { $metadata: {}, FailedPutCount: failed, RequestResponses: records.map((_, i) => (i < failed ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' } : { RecordId: `r${i}` })) };
    },
  };
  const store = { read: async () => body, write: async (_b: string, k: string, text: string) => void written.set(k, text) };
  return { written, sent, ports: { store, firehose, clock: { now: () => new Date('2026-12-01T19:00:00Z') }, loggerOptions: { sleep: async () => {} } } };
}

describe('convertCaptureFile', () => {
  it('resends what Firehose failed and keeps a record the contract refuses, with the validator\'s reason', async () => {
    const body = [line('a', '12', '30'), line('b', '5', '11', '2026-12-01 18:00'), line('c', '7', '14')].join('\n');
    const t = ports(body, true);
    const out = await convertCaptureFile(t.ports, settings, 'data', key('shadow'));
    expect(out).toMatchObject({ variant: 'shadow', delivered: 2, failed: 1 });
    expect(t.sent.flat().map((r) => [r.prediction_id, r.model_version, r.km, r.prediction])).toEqual([['c', '4', 7, 14], ['a', '4', 12, 30]]);
    const [error] = [...t.written.values()].map((text) => JSON.parse(text.trim()));
    expect(error).toMatchObject({ errorCode: 'InvalidRecord', line: 2 });
    expect(error.errorMessage).toMatch(/field "event_time" must be an ISO-8601 date-time with a zone/);
    expect([...t.written.keys()]).toEqual(['errors/predictions/eta/capture-conversion-failed/dt=2026-12-01/champion=3/shadow=4/eta-prod/shadow/2026/12/01/18/f.jsonl']);
  });

  it('skips the champion\'s captures when the service logs the champion itself', async () => {
    const t = ports(line('a', '1', '2'), false);
    expect(await convertCaptureFile(t.ports, { ...settings, logChampion: false }, 'data', key('champion'))).toMatchObject({ outcome: 'skipped', delivered: 0 });
    expect(t.sent).toEqual([]);
    expect((await convertCaptureFile(t.ports, settings, 'data', key('champion'))).variant).toBe('champion');
    expect(t.sent.flat()[0]).toMatchObject({ variant: 'champion', model_version: '3' });
  });

  it('refuses keys outside the capture layout and variants the promotion does not name', async () => {
    expect(() => parseCaptureKey('eta', 'capture/eta/eta-prod/AllTraffic/2026/12/01/18/f.jsonl')).toThrow(/is not a capture file of model eta/);
    await expect(convertCaptureFile(ports('', false).ports, settings, 'data', key('AllTraffic'))).rejects.toThrow(/variant "AllTraffic" of endpoint eta-prod is neither champion nor shadow/);
  });
});
