-- One active (open or acknowledged) alert per rule and subject, held by PostgreSQL itself, so
-- two processes evaluating at once (a worker that comes back while the web app's watchdog
-- stands in) cannot open the same alert twice. Older duplicates, if any, are resolved first.
UPDATE "Alert" AS older SET "status" = 'resolved', "resolvedAt" = now()
WHERE older."status" IN ('open', 'acknowledged')
  AND EXISTS (
    SELECT 1 FROM "Alert" AS newer
    WHERE newer."ruleId" = older."ruleId" AND newer."subject" = older."subject" AND newer."status" IN ('open', 'acknowledged')
      AND (newer."firstAt" > older."firstAt" OR (newer."firstAt" = older."firstAt" AND newer."id" > older."id"))
  );

CREATE UNIQUE INDEX "Alert_one_active_per_rule_subject" ON "Alert"("ruleId", "subject") WHERE "status" IN ('open', 'acknowledged');
