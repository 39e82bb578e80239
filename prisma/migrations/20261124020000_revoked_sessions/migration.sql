-- CreateTable
CREATE TABLE `RevokedSession` (
    `sessionId` VARCHAR(64) NOT NULL,
    `userId` VARCHAR(32) NOT NULL,
    `expiresAt` DATETIME(3) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `RevokedSession_userId_expiresAt_idx`(`userId`, `expiresAt`),
    INDEX `RevokedSession_expiresAt_idx`(`expiresAt`),
    PRIMARY KEY (`sessionId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
