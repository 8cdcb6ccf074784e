// The timeline reads one payload of a history, a case step's name from its `applyStep` update input;
// with the payload codec (ADR 20) that input is encrypted and is decrypted first.
import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import type { RunHistory } from '../../api/collection-client';
import { decodeStepInputs, summariseHistory } from '../../api/services/timeline';
import { AesGcmPayloadCodec } from '../../config/payload-codec';

test('a case step name is read from an encrypted applyStep input once decrypted', async () => {
  const codec = new AesGcmPayloadCodec({ keys: new Map([['k', randomBytes(32)]]), writeKeyId: 'k' });
  const history = async (): Promise<RunHistory> => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ step: 'suit_filed', stepId: 's1' })]);
    return {
      events: [
        {
          eventId: 7,
          eventTime: { seconds: 1_766_000_000, nanos: 0 },
          workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { name: 'applyStep', args: { payloads: [encrypted!] } } } },
        },
      ],
    } as unknown as RunHistory;
  };
  const [still] = summariseHistory('case-1', 'run-1', await history(), 'link');
  expect(still!.refs['step']).toBeUndefined();
  const [entry] = summariseHistory('case-1', 'run-1', await decodeStepInputs(await history(), codec), 'link');
  expect(entry).toMatchObject({ summary: 'workflowExecutionUpdateAccepted: applyStep suit_filed', refs: { update: 'applyStep', step: 'suit_filed' } });
});
