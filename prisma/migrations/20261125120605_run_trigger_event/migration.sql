-- AlterEnum
ALTER TYPE "RunTrigger" ADD VALUE 'event';
