-- AlterTable
ALTER TABLE `Order` ADD COLUMN `saleWinBucket` INTEGER NULL,
    ADD COLUMN `saleWinSeq` INTEGER NULL;

-- CreateIndex
CREATE UNIQUE INDEX `Order_saleId_saleWinBucket_saleWinSeq_key` ON `Order`(`saleId`, `saleWinBucket`, `saleWinSeq`);
