-- CreateEnum
CREATE TYPE "AlertDeliveryKind" AS ENUM ('alert', 'reminder', 'escalation');

-- AlterTable
ALTER TABLE "WorkerHeartbeat" ADD COLUMN     "eventLoopLagMs" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN     "escalation" JSONB;

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "escalatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AlertDelivery" ADD COLUMN     "kind" "AlertDeliveryKind" NOT NULL DEFAULT 'alert';
