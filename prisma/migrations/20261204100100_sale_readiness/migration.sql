-- CreateTable
CREATE TABLE `SaleReadiness` (
    `saleId` INTEGER NOT NULL,
    `userId` VARCHAR(32) NOT NULL,
    `addressId` INTEGER NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `SaleReadiness_userId_idx`(`userId`),
    INDEX `SaleReadiness_addressId_idx`(`addressId`),
    PRIMARY KEY (`saleId`, `userId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `SaleReadiness` ADD CONSTRAINT `SaleReadiness_saleId_fkey` FOREIGN KEY (`saleId`) REFERENCES `Sale`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `SaleReadiness` ADD CONSTRAINT `SaleReadiness_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `SaleReadiness` ADD CONSTRAINT `SaleReadiness_addressId_fkey` FOREIGN KEY (`addressId`) REFERENCES `Address`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX `SaleSubscription_saleId_notifiedAt_idx` ON `SaleSubscription`(`saleId`, `notifiedAt`);
