/**
 * Purchase limits shared by the cart and checkout. One constant, so a cart line can never hold more than a single
 * order may buy and checkout never has to reject what the cart accepted for this reason.
 */
export const MAX_QUANTITY_PER_ORDER = 10;
