-- CreateIndex (first, so the foreign key always has an index to use)
CREATE INDEX `Order_saleId_idx` ON `Order`(`saleId`);

-- DropIndex
DROP INDEX `Order_saleId_status_idx` ON `Order`;
