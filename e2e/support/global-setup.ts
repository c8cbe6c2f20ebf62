import { startStack } from './stack.ts';

/** Starts the stack once for all specs; the returned function stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  return () => stack.stop();
}
