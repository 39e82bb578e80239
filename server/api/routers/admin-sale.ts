import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { getSaleMonitor } from "~/server/domain/admin/sales/get-sale-monitor.ts";
import { getSaleReport } from "~/server/domain/admin/sales/get-sale-report.ts";
import { buildSaleReportCsv } from "~/server/domain/admin/sales/sale-report-csv.ts";
import { getSale } from "~/server/domain/sales/get-sale.ts";
import { closeSale, createSale, createSaleInput, listSalesForAdmin, pauseSale, resumeSale, saleIdInput, updateSale, updateSaleInput } from "~/server/domain/sales/manage-sales.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";

export const adminSaleRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listSalesForAdmin(ctx.deps)),
  get: adminProcedure.input(saleIdInput).query(({ ctx, input }) => getSale(ctx.deps, input)),
  create: adminProcedure.input(createSaleInput).mutation(({ ctx, input }) => createSale(ctx.deps, input)),
  update: adminProcedure.input(updateSaleInput).mutation(({ ctx, input }) => updateSale(ctx.deps, input)),
  pause: adminProcedure.input(saleIdInput).mutation(({ ctx, input }) => pauseSale(ctx.deps, input)),
  resume: adminProcedure.input(saleIdInput).mutation(({ ctx, input }) => resumeSale(ctx.deps, input)),
  close: adminProcedure.input(saleIdInput).mutation(({ ctx, input }) => closeSale(ctx.deps, input)),
  /** Recomputes from MySQL, reports drift and repairs it: the dashboard's "reconcile now". */
  reconcile: adminProcedure.input(saleIdInput).mutation(({ ctx, input }) => reconcileSale(ctx.deps, input.id)),
  /** The live monitor's one poll: counters, invariant, drift, per-second timeline and queue (admin dashboard). */
  monitor: adminProcedure.input(saleIdInput).query(({ ctx, input }) => getSaleMonitor(ctx.deps, input)),
  /** The post-sale report from MySQL, and the same as CSV text (UTF-8 with BOM) for download. */
  report: adminProcedure.input(saleIdInput).query(({ ctx, input }) => getSaleReport(ctx.deps, input)),
  reportCsv: adminProcedure.input(saleIdInput).query(({ ctx, input }) => buildSaleReportCsv(ctx.deps, input)),
});
