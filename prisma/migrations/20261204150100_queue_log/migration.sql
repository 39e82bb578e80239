-- CreateTable
CREATE TABLE `QueueEntry` (
    `saleId` INTEGER NOT NULL,
    `userId` VARCHAR(32) NOT NULL,
    `seq` BIGINT NOT NULL,
    `score` BIGINT NOT NULL,
    `joinedAt` DATETIME(3) NOT NULL,
    `passExpiresAt` DATETIME(3) NULL,

    UNIQUE INDEX `QueueEntry_saleId_seq_key`(`saleId`, `seq`),
    PRIMARY KEY (`saleId`, `userId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `QueueAdmission` (
    `saleId` INTEGER NOT NULL,
    `threshold` INTEGER NOT NULL,
    `admitted` INTEGER NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`saleId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `QueueEntry` ADD CONSTRAINT `QueueEntry_saleId_fkey` FOREIGN KEY (`saleId`) REFERENCES `Sale`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `QueueAdmission` ADD CONSTRAINT `QueueAdmission_saleId_fkey` FOREIGN KEY (`saleId`) REFERENCES `Sale`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
