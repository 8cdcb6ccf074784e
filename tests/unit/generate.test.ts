import { generateScenario } from '../../simulate/generate';
import { parseScenario } from '../../simulate/scenario';

describe('portfolio generator (npm run simulate:generate)', () => {
  it('is seeded: same arguments, same scenario; another seed, another one', () => {
    const a = JSON.stringify(generateScenario({ accounts: 300, seed: 7 }));
    expect(JSON.stringify(generateScenario({ accounts: 300, seed: 7 }))).toBe(a);
    expect(JSON.stringify(generateScenario({ accounts: 300, seed: 8 }))).not.toBe(a);
  });

  it('writes scenarios the simulator accepts, with every kind of event', () => {
    const { scenario } = parseScenario(generateScenario({ accounts: 500, seed: 1 }));
    expect(scenario.accounts).toHaveLength(500);
    expect(new Set(scenario.events.map((e) => e.type))).toEqual(new Set(['payment', 'charge', 'promise', 'dispute', 'dispute_resolved']));
    // a dispute is resolved after it was opened, never before
    for (const account of new Set(scenario.events.filter((e) => e.type === 'dispute').map((e) => e.account))) {
      const opened = scenario.events.find((e) => e.account === account && e.type === 'dispute')!;
      const resolved = scenario.events.find((e) => e.account === account && e.type === 'dispute_resolved');
      if (resolved) expect(Date.parse(resolved.at)).toBeGreaterThan(Date.parse(opened.at));
    }
  });
});
