/** UI strings for restock alerts (재입고 알림): the page button, the account list and the unsubscribe page. */
export const restockKo = {
  button: {
    subscribe: "재입고 알림 신청",
    subscribed: "알림 신청됨",
    cancel: "취소",
    signIn: "로그인하고 재입고 알림 받기",
    working: "처리 중…",
    intro: "다시 구매할 수 있게 되면 이메일로 한 번 알려 드립니다.",
    saleIntro: "결제되지 않은 수량이 돌아오거나 주문이 취소되어 구매할 수 있게 되면 이메일로 한 번 알려 드립니다.",
    subscribedNotice: "재입고 알림을 신청했습니다. 다시 구매할 수 있게 되면 이메일로 알려 드릴게요.",
    canceledNotice: "재입고 알림을 취소했습니다.",
    failed: "재입고 알림을 바꾸지 못했습니다. 잠시 후 다시 시도해 주세요.",
  },
  account: {
    heading: "재입고 알림",
    intro: "품절된 상품이 다시 들어오면 한 번 알려 드립니다. 알림을 받은 뒤에는 목록에서 사라집니다.",
    empty: "신청한 재입고 알림이 없습니다. 품절된 상품 페이지에서 신청할 수 있습니다.",
    sale: "선착순 세일",
    cancel: (name: string) => `${name} 재입고 알림 취소`,
    cancelLabel: "취소",
  },
  unsubscribe: {
    title: "재입고 알림 해지",
    working: "알림을 해지하고 있습니다…",
    done: "알림이 해지되었습니다.",
    doneDetail: (name: string) => `더 이상 ${name}의 재입고 알림을 보내 드리지 않습니다.`,
    viewProduct: "상품 페이지로 가기",
    missingToken: "알림 해지 링크가 올바르지 않습니다. 메일의 링크를 다시 눌러 주세요.",
    home: "쇼핑 계속하기",
  },
} as const;
