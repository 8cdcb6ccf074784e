// Replays every recorded history in tests/replay/histories against today's workflow code and exits
// non-zero on the first non-determinism. Run by replay.test.ts in a child process, because jest's
// module isolation breaks the SDK's protobuf JSON decoding. Encrypted histories (v7-encrypted on)
// are decrypted with the fixed test key; older plain ones pass through the codec unchanged.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { quietTemporalRuntime } from '../../config/logger';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { testReplayDataConverter } from './test-payload-key';

async function main(): Promise<void> {
  quietTemporalRuntime();
  const dir = path.join(__dirname, 'histories');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const histories = files.map((file) => ({
    workflowId: file,
    history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))),
  }));
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, dataConverter: testReplayDataConverter() }, histories)) {
    if (result.error) {
      failed++;
      console.log(`FAIL ${result.workflowId}: ${result.error.message}`);
    } else {
      console.log(`ok   ${result.workflowId}`);
    }
  }
  if (files.length === 0 || failed > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
