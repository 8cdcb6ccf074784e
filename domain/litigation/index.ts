// Litigation cases: the steps, the transition table and the case's rules (deadlines, idempotency).
export * from './steps';
export * from './table';
export * from './case';
export * from './money';
