// `npm run simulate:generate -- --accounts 10000 [--seed 1] [--out scenario.json]`: writes a
// synthetic six-month portfolio (simulate/generate.ts) that `npm run simulate` accepts.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { generateScenario } from './generate';
import { parseScenario } from './scenario';

const { values } = parseArgs({
  options: { accounts: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } },
});
const accounts = Number(values.accounts);
const seed = Number(values.seed);
if (!Number.isInteger(accounts) || accounts < 1) throw new Error('--accounts must be a positive integer');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
const scenario = generateScenario({ accounts, seed });
parseScenario(scenario); // the generator's output must pass the contract it is generated for
const json = JSON.stringify(scenario, null, 1) + '\n';
if (values.out) fs.writeFileSync(values.out, json);
else process.stdout.write(json);
