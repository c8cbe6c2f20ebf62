import { inject } from 'vitest';

// Every test file talks to the run's own database and Redis prefix, never the developer's.
process.env.DATABASE_URL = inject('databaseUrl');
process.env.QUEUE_PREFIX = inject('queuePrefix');
process.env.LOG_LEVEL ??= 'warn';
