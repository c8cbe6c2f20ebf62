/** Splits `items` into runs of at most `size`, in order (the hybrid jobs write each run in one transaction). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
