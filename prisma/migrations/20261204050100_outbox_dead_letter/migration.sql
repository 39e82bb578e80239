-- AlterTable
ALTER TABLE `OutboxEvent` ADD COLUMN `deadAt` DATETIME(3) NULL;

-- CreateIndex (before the drop, so the relay always has an index to use)
CREATE INDEX `OutboxEvent_processedAt_deadAt_availableAt_idx` ON `OutboxEvent`(`processedAt`, `deadAt`, `availableAt`);

-- DropIndex
DROP INDEX `OutboxEvent_processedAt_availableAt_idx` ON `OutboxEvent`;

-- Events that already used up their attempts were skipped silently; they become dead letters. When they were given
-- up on was never recorded, so this migration's time stands in. A lease still running belongs to a delivery in
-- flight: the relay dead-letters that one itself if it ends without an outcome.
UPDATE `OutboxEvent` SET `deadAt` = UTC_TIMESTAMP(3), `lockedUntil` = NULL
WHERE `processedAt` IS NULL AND `attempts` >= 10 AND (`lockedUntil` IS NULL OR `lockedUntil` < UTC_TIMESTAMP(3));
