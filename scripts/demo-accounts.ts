// A handful of demo accounts seeded on the first `npm start`, one per kind of case in the seeds.
import { addDays, localDateOf } from '../domain/policy/calendar';

export function demoArrears(now: number): { accountId: string; body: Record<string, unknown> }[] {
  const daysAgo = (n: number) => addDays(localDateOf(now, 'Asia/Shanghai'), -n);
  const base = { currency: 'CNY', timezone: 'Asia/Shanghai' };
  return [
    {
      accountId: 'DEMO-001',
      body: { ...base, billId: 'DEMO-001-B1', customerName: '王五', phone: '13800000001', segment: 'consumer', amount: 8_650, dueDate: daysAgo(2) },
    },
    {
      accountId: 'DEMO-002',
      body: { ...base, billId: 'DEMO-002-B1', customerName: '赵六', phone: '13800000002', segment: 'consumer', amount: 32_000, dueDate: daysAgo(28) },
    },
    {
      accountId: 'DEMO-003',
      body: {
        ...base,
        billId: 'DEMO-003-B1',
        customerName: '某某科技有限公司',
        phone: '02160000003',
        segment: 'enterprise',
        amount: 1_250_000,
        dueDate: daysAgo(40),
      },
    },
    {
      accountId: 'DEMO-004',
      body: {
        ...base,
        billId: 'DEMO-004-B1',
        customerName: '市第一医院',
        phone: '02160000004',
        segment: 'key_account',
        lists: ['red'],
        amount: 560_000,
        dueDate: daysAgo(45),
      },
    },
    {
      accountId: 'DEMO-005',
      body: {
        ...base,
        billId: 'DEMO-005-B1',
        customerName: '孙七',
        phone: '13800000005',
        segment: 'consumer',
        lists: ['black'],
        amount: 15_800,
        dueDate: daysAgo(9),
      },
    },
  ];
}
