import type { Logger } from 'pino';

/** A child logger made on first use: most runs never log, and making one costs on the hot path. */
export function lazyChild(make: () => Logger): Logger {
  let child: Logger | undefined;
  return new Proxy({} as Logger, {
    get: (_, property) => {
      child ??= make();
      const value = Reflect.get(child, property, child) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(child) : value;
    },
  });
}
