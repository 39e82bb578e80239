-- CreateTable
CREATE TABLE `RestockSubscription` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `userId` VARCHAR(32) NOT NULL,
    `productId` INTEGER NULL,
    `saleId` INTEGER NULL,
    `notifiedAt` DATETIME(3) NULL,
    `canceledAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `RestockSubscription_productId_notifiedAt_canceledAt_id_idx`(`productId`, `notifiedAt`, `canceledAt`, `id`),
    INDEX `RestockSubscription_saleId_notifiedAt_canceledAt_id_idx`(`saleId`, `notifiedAt`, `canceledAt`, `id`),
    UNIQUE INDEX `RestockSubscription_userId_productId_key`(`userId`, `productId`),
    UNIQUE INDEX `RestockSubscription_userId_saleId_key`(`userId`, `saleId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `RestockDelivery` (
    `subscriptionId` INTEGER NOT NULL,
    `restockId` VARCHAR(36) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`subscriptionId`, `restockId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `RestockSubscription` ADD CONSTRAINT `RestockSubscription_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `RestockSubscription` ADD CONSTRAINT `RestockSubscription_productId_fkey` FOREIGN KEY (`productId`) REFERENCES `Product`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `RestockSubscription` ADD CONSTRAINT `RestockSubscription_saleId_fkey` FOREIGN KEY (`saleId`) REFERENCES `Sale`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `RestockDelivery` ADD CONSTRAINT `RestockDelivery_subscriptionId_fkey` FOREIGN KEY (`subscriptionId`) REFERENCES `RestockSubscription`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
