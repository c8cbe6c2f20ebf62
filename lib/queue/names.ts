import { categoryNames, type Category } from '../jobs/categories.ts';

/** One BullMQ queue per category, named after it. The key prefix comes from QUEUE_PREFIX. */
export function queueNameFor(category: Category): string {
  return category;
}

export const queueNames = categoryNames.map(queueNameFor);
