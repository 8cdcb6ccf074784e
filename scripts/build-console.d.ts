// Types of scripts/build-console.js (plain CommonJS, run by npm scripts) for the TypeScript that calls it.
export function buildConsole(opts?: { quiet?: boolean }): void;
export function ensureConsole(): void;
export function consoleStale(): boolean;
export const dist: string;
