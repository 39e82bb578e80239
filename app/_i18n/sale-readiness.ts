/**
 * UI strings for "ready before the drop" on the sale page (address and payment method picked ahead of the open); the
 * payment method's own words are the pay page's (ordersKo.pay), so both pages name it the same way.
 */
export const saleReadinessStrings = {
  heading: "결제 미리 준비하기",
  intro: "오픈 전에 배송지와 결제 수단을 정해 두면, 구매에 성공했을 때 결제 버튼 한 번이면 끝납니다.",
  ready: (label: string) => `준비 완료: 구매에 성공하면 '${label}'(으)로 배송됩니다.`,
  notReady: "아직 배송지를 고르지 않았습니다. 오픈 전에 골라 두세요.",
  saving: "저장 중…",
  failed: "배송지를 저장하지 못했습니다. 잠시 후 다시 시도해 주세요.",
};
