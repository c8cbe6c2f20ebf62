-- CreateTable
CREATE TABLE "PayloadTemplate" (
    "id" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PayloadTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PayloadTemplate_jobName_name_key" ON "PayloadTemplate"("jobName", "name");
