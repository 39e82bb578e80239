-- AlterTable
ALTER TABLE `Payment` MODIFY `status` ENUM('PENDING', 'APPROVED', 'DECLINED', 'FAILED', 'REFUND_PENDING', 'REFUNDED') NOT NULL,
    ADD COLUMN `addressId` INTEGER NULL,
    ADD COLUMN `statusAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    ADD COLUMN `checkedAt` DATETIME(3) NULL,
    ADD COLUMN `checks` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `flaggedAt` DATETIME(3) NULL;

-- CreateIndex
CREATE INDEX `Payment_status_statusAt_idx` ON `Payment`(`status`, `statusAt`);

-- AlterTable
ALTER TABLE `Order` ADD COLUMN `soldCountedAt` DATETIME(3) NULL;

-- Paid sale orders written before this migration were counted inside their payment's transaction.
UPDATE `Order` SET `soldCountedAt` = `paidAt` WHERE `saleId` IS NOT NULL AND `paidAt` IS NOT NULL AND `status` IN ('PAID', 'SHIPPING', 'DELIVERED', 'CONFIRMED', 'RETURN_REQUESTED');

-- A refund already requested for a cancelled or returned order's approved charge is now its own state.
UPDATE `Payment` p JOIN `Order` o ON o.`id` = p.`orderId` SET p.`status` = 'REFUND_PENDING'
WHERE p.`status` = 'APPROVED' AND o.`status` NOT IN ('PAID', 'SHIPPING', 'DELIVERED', 'CONFIRMED', 'RETURN_REQUESTED');
