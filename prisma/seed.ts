// Demo data for a fresh database: `npm run db:seed`. Safe to re-run: a database that has any product is left alone.
import "~/server/load-env.ts";

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { hash } from "@node-rs/argon2";

import { connectMariaDb, DatabaseUnreachableError } from "~/scripts/migrate.ts";
import { configFromEnv } from "~/server/config.ts";
import { emailBlindIndex, encryptPii } from "~/server/crypto/pii.ts";
import type { Db } from "~/server/db.ts";
import type { ProductStatus, Role } from "~/server/generated/prisma/enums.ts";

export const PRODUCT_IMAGES_DIR = fileURLToPath(new URL("../public/images/products/", import.meta.url));

export const DEMO_USERS = [
  { email: "admin@flashmart.local", password: "Admin123!", name: "관리자", role: "ADMIN" },
  { email: "shopper@flashmart.local", password: "Shopper123!", name: "김쇼핑", role: "USER" },
] as const satisfies readonly { email: string; password: string; name: string; role: Role }[];

const DEMO_PHONE = "010-1234-5678";

type CategorySeed = { slug: string; name: string; colors: [string, string] };

export const DEMO_CATEGORIES = [
  { slug: "digital", name: "디지털", colors: ["#4f46e5", "#7c3aed"] },
  { slug: "fashion", name: "패션", colors: ["#f43f5e", "#f97316"] },
  { slug: "beauty", name: "뷰티", colors: ["#ec4899", "#c026d3"] },
  { slug: "food", name: "식품", colors: ["#16a34a", "#84cc16"] },
  { slug: "living", name: "리빙", colors: ["#b45309", "#eab308"] },
  { slug: "sports", name: "스포츠", colors: ["#0284c7", "#2563eb"] },
] as const satisfies readonly CategorySeed[];

type CategorySlug = (typeof DEMO_CATEGORIES)[number]["slug"];

type ProductSeed = {
  slug: string;
  category: CategorySlug;
  name: string;
  description: string;
  price: number;
  stock: number;
  status?: ProductStatus;
};

// Prices are whole won. Stock is fixed rather than random so every fresh database looks the same.
export const DEMO_PRODUCTS: readonly ProductSeed[] = [
  { slug: "wireless-earbuds-pro", category: "digital", name: "노이즈캔슬링 무선 이어폰 프로", description: "주변 소음을 최대 98%까지 줄여 주는 액티브 노이즈캔슬링과 최대 30시간 재생을 지원하는 무선 이어폰입니다.", price: 189_000, stock: 120 },
  { slug: "mechanical-keyboard", category: "digital", name: "저소음 기계식 키보드", description: "사무실에서도 부담 없는 저소음 적축 스위치와 PBT 키캡을 갖춘 텐키리스 키보드입니다.", price: 129_000, stock: 64 },
  { slug: "smartwatch-fit", category: "digital", name: "스마트워치 핏 5", description: "심박·수면·스트레스를 24시간 측정하고 5ATM 방수를 지원하는 가벼운 스마트워치입니다.", price: 259_000, stock: 45 },
  { slug: "portable-ssd-1tb", category: "digital", name: "포터블 SSD 1TB", description: "최대 1,050MB/s 전송 속도의 손바닥만 한 외장 SSD. 충격에 강한 알루미늄 바디입니다.", price: 149_000, stock: 88 },
  { slug: "handheld-game-console", category: "digital", name: "휴대용 게임 콘솔", description: "7인치 OLED 화면과 분리형 컨트롤러로 집에서도 밖에서도 즐기는 휴대용 게임기입니다.", price: 398_000, stock: 18 },

  { slug: "limited-retro-sneakers", category: "fashion", name: "한정판 레트로 스니커즈", description: "80년대 농구화를 복각한 한정 수량 스니커즈. 프리미엄 스웨이드와 빈티지 미드솔로 마감했습니다.", price: 219_000, stock: 150 },
  { slug: "cashmere-knit", category: "fashion", name: "캐시미어 라운드 니트", description: "캐시미어 100%로 짠 부드러운 라운드넥 니트. 어떤 하의와도 잘 어울리는 기본 아이템입니다.", price: 89_000, stock: 70 },
  { slug: "washed-denim-jacket", category: "fashion", name: "워싱 데님 재킷", description: "자연스러운 워싱과 여유 있는 핏의 사계절 데님 재킷입니다.", price: 79_000, stock: 95 },
  { slug: "leather-tote-bag", category: "fashion", name: "소가죽 토트백", description: "이탈리아산 소가죽으로 만든 A4 수납 토트백. 탈착식 숄더 스트랩이 포함되어 있습니다.", price: 159_000, stock: 32 },
  { slug: "wool-long-coat", category: "fashion", name: "울 블렌드 롱코트", description: "울 70% 블렌드 원단의 클래식 싱글 롱코트입니다. 지난 시즌 상품으로 판매가 종료되었습니다.", price: 239_000, stock: 7, status: "DISCONTINUED" },

  { slug: "hyaluronic-serum", category: "beauty", name: "수분 히알루론 세럼 50ml", description: "8종 히알루론산이 피부 속부터 수분을 채워 주는 가벼운 제형의 세럼입니다.", price: 32_000, stock: 180 },
  { slug: "daily-sun-cream", category: "beauty", name: "데일리 선크림 SPF50+", description: "백탁 없이 산뜻하게 마무리되는 SPF50+ PA++++ 데일리 선크림입니다.", price: 18_900, stock: 200 },
  { slug: "cover-cushion", category: "beauty", name: "커버 쿠션 파운데이션", description: "얇게 밀착되어 하루 종일 무너지지 않는 세미 매트 쿠션. 리필 1개가 함께 들어 있습니다.", price: 29_000, stock: 110 },
  { slug: "velvet-lip-tint-set", category: "beauty", name: "벨벳 립 틴트 3종 세트", description: "데일리 로즈·코랄·버건디 3색으로 구성된 벨벳 립 틴트 세트입니다.", price: 24_000, stock: 0, status: "SOLD_OUT" },
  { slug: "cleansing-oil", category: "beauty", name: "약산성 클렌징 오일", description: "메이크업과 노폐물을 부드럽게 녹여 내는 약산성 식물성 클렌징 오일입니다.", price: 21_000, stock: 140 },

  { slug: "jeju-tangerines", category: "food", name: "제주 감귤 5kg", description: "제주 농가에서 당일 수확해 보내는 새콤달콤한 노지 감귤입니다.", price: 27_900, stock: 160 },
  { slug: "hanwoo-gift-set", category: "food", name: "1++ 한우 선물세트", description: "등심·채끝·불고기로 구성한 1++ 등급 한우 냉장 선물세트(1.2kg)입니다.", price: 189_000, stock: 25 },
  { slug: "cold-brew-concentrate", category: "food", name: "콜드브루 원액 1L", description: "스페셜티 원두를 18시간 저온 추출한 콜드브루 원액. 물이나 우유에 타서 즐기세요.", price: 15_900, stock: 130 },
  { slug: "pogi-kimchi", category: "food", name: "전라도 포기김치 4kg", description: "국내산 배추와 고춧가루로 담근 깊은 맛의 전라도식 포기김치입니다.", price: 36_000, stock: 55 },
  { slug: "daily-mixed-nuts", category: "food", name: "하루 견과 30봉", description: "아몬드·호두·캐슈너트·크랜베리를 하루 한 줌씩 소포장한 견과 한 달 분량입니다.", price: 19_900, stock: 190 },

  { slug: "memory-foam-pillow", category: "living", name: "메모리폼 경추 베개", description: "목의 곡선을 따라 받쳐 주는 고밀도 메모리폼 베개. 커버는 세탁할 수 있습니다.", price: 49_000, stock: 85 },
  { slug: "cotton-bedding-set", category: "living", name: "순면 침구 세트 (퀸)", description: "60수 순면으로 만든 이불 커버·베개 커버·매트리스 커버 4종 세트입니다.", price: 119_000, stock: 40 },
  { slug: "aroma-diffuser", category: "living", name: "무드등 아로마 디퓨저", description: "7가지 색의 무드등과 타이머를 갖춘 초음파 아로마 디퓨저입니다.", price: 39_000, stock: 75 },
  { slug: "ceramic-mug-set", category: "living", name: "핸드메이드 세라믹 머그 2P", description: "도예 공방에서 하나씩 빚어 구운 350ml 머그 두 개 세트입니다.", price: 28_000, stock: 60 },
  { slug: "cordless-stick-vacuum", category: "living", name: "무선 스틱 청소기", description: "흡입력 180AW와 최대 60분 사용 시간을 갖춘 가벼운 무선 스틱 청소기입니다.", price: 299_000, stock: 22 },

  { slug: "eco-yoga-mat", category: "sports", name: "친환경 TPE 요가매트", description: "미끄럼 방지 양면 패턴의 8mm 친환경 TPE 요가매트. 스트랩이 함께 제공됩니다.", price: 35_000, stock: 120 },
  { slug: "light-running-shoes", category: "sports", name: "경량 러닝화", description: "한 짝 210g의 초경량 러닝화. 반발력 좋은 폼 미드솔로 장거리에도 편안합니다.", price: 119_000, stock: 0, status: "SOLD_OUT" },
  { slug: "adjustable-dumbbells", category: "sports", name: "조절식 덤벨 세트 20kg", description: "다이얼 하나로 2kg부터 20kg까지 무게를 바꾸는 조절식 덤벨 한 쌍입니다.", price: 89_000, stock: 30 },
  { slug: "ultralight-camping-chair", category: "sports", name: "초경량 캠핑 체어", description: "무게 890g, 수납 시 500ml 생수병 크기로 줄어드는 알루미늄 캠핑 체어입니다.", price: 59_000, stock: 65 },
  { slug: "carbon-tennis-racket", category: "sports", name: "카본 테니스 라켓", description: "100sq.in 헤드와 300g 무게의 입문·중급자용 카본 테니스 라켓입니다.", price: 179_000, stock: 5 },
];

export const DEMO_SALE = {
  productSlug: "limited-retro-sneakers",
  salePrice: 149_000,
  quantity: 100,
  perUserLimit: 1,
  holdMinutes: 10,
} as const;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export function productImageUrl(slug: string) {
  return `/images/products/${slug}.svg`;
}

/** An hour from now, rounded up to a whole minute so the countdown looks tidy. */
export function demoSaleOpensAt(now: Date) {
  return new Date(Math.ceil((now.getTime() + HOUR_MS) / MINUTE_MS) * MINUTE_MS);
}

export type SeedResult =
  | { isSkipped: true }
  | {
      isSkipped: false;
      categories: number;
      products: number;
      users: { email: string; password: string; role: Role }[];
      sale: { id: number; productName: string; salePrice: number; quantity: number; opensAt: Date };
    };

export async function seedDemoData(db: Db, { now }: { now: Date }): Promise<SeedResult> {
  const { pii } = configFromEnv();
  // Hashing takes ~40 ms each; done before the transaction so it stays short.
  const users = await Promise.all(
    DEMO_USERS.map(async (user) => ({ ...user, passwordHash: await hash(user.password) })),
  );

  return db.$transaction(
    async (tx) => {
      if ((await tx.product.count()) > 0) return { isSkipped: true } as const;

      const categoryIds = new Map<string, number>();
      for (const category of DEMO_CATEGORIES) {
        const { id } = await tx.category.upsert({
          where: { slug: category.slug },
          create: { slug: category.slug, name: category.name },
          update: {},
          select: { id: true },
        });
        categoryIds.set(category.slug, id);
      }

      // Staggered createdAt so "newest first" lists have a stable order; the last product listed is the newest.
      const productIds = new Map<string, number>();
      for (const [position, product] of DEMO_PRODUCTS.entries()) {
        const { id } = await tx.product.create({
          data: {
            name: product.name,
            description: product.description,
            price: product.price,
            stock: product.stock,
            status: product.status ?? "AVAILABLE",
            imageUrl: productImageUrl(product.slug),
            categoryId: categoryIds.get(product.category)!,
            createdAt: new Date(now.getTime() - (DEMO_PRODUCTS.length - position) * HOUR_MS),
          },
          select: { id: true },
        });
        productIds.set(product.slug, id);
      }

      // Upsert by blind index: an account registered with a demo address before seeding is kept as it is.
      for (const user of users) {
        await tx.user.upsert({
          where: { emailIndex: emailBlindIndex(user.email, pii) },
          create: {
            emailIndex: emailBlindIndex(user.email, pii),
            emailEnc: encryptPii(user.email, pii),
            nameEnc: encryptPii(user.name, pii),
            phoneEnc: encryptPii(DEMO_PHONE, pii),
            passwordHash: user.passwordHash,
            role: user.role,
            emailVerifiedAt: now,
          },
          update: {},
          select: { id: true },
        });
      }

      const saleProduct = DEMO_PRODUCTS.find((product) => product.slug === DEMO_SALE.productSlug)!;
      const sale = await tx.sale.create({
        data: {
          productId: productIds.get(saleProduct.slug)!,
          salePrice: DEMO_SALE.salePrice,
          quantity: DEMO_SALE.quantity,
          opensAt: demoSaleOpensAt(now),
          perUserLimit: DEMO_SALE.perUserLimit,
          holdMinutes: DEMO_SALE.holdMinutes,
          state: "SCHEDULED",
        },
        select: { id: true, salePrice: true, quantity: true, opensAt: true },
      });

      return {
        isSkipped: false,
        categories: DEMO_CATEGORIES.length,
        products: DEMO_PRODUCTS.length,
        users: DEMO_USERS.map(({ email, password, role }) => ({ email, password, role })),
        sale: { ...sale, productName: saleProduct.name },
      } as const;
    },
    { timeout: 30_000 },
  );
}

// Drawn line icons in a 100×100 box: emoji would depend on the viewer having a colour emoji font (Debian has none).
const CATEGORY_ICONS: Record<CategorySlug, string> = {
  digital: '<rect x="18" y="22" width="64" height="44" rx="5"/><path d="M8 78 H92 L84 70 H16 Z"/><path d="M52 30 L42 46 H56 L48 60"/>',
  fashion: '<path d="M41 24 a9 9 0 1 1 9 9 v8"/><path d="M50 41 L11 69 a4 4 0 0 0 2 7 H87 a4 4 0 0 0 2 -7 Z"/>',
  beauty:
    '<path d="M46 12 C50 38 58 46 84 50 C58 54 50 62 46 88 C42 62 34 54 8 50 C34 46 42 38 46 12 Z" fill="#ffffff" fill-opacity="0.9"/>' +
    '<path d="M80 10 C81 18 84 21 92 22 C84 23 81 26 80 34 C79 26 76 23 68 22 C76 21 79 18 80 10 Z" fill="#ffffff"/>',
  food:
    '<path d="M50 32 C38 22 16 26 16 52 C16 74 32 90 44 88 C47 87 48 86 50 86 C52 86 53 87 56 88 C68 90 84 74 84 52 C84 26 62 22 50 32 Z"/>' +
    '<path d="M50 32 C50 24 53 17 60 12"/><path d="M56 22 C62 12 74 12 78 16 C72 24 62 26 56 22 Z" fill="#ffffff"/>',
  living: '<path d="M12 48 L50 16 L88 48"/><path d="M22 40 V86 H78 V40"/><path d="M43 86 V62 H57 V86"/>',
  sports: '<circle cx="50" cy="50" r="38"/><path d="M12 50 H88"/><path d="M50 12 C34 28 34 72 50 88"/><path d="M50 12 C66 28 66 72 50 88"/>',
};

function escapeXml(text: string) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Rough rendered width in em: Hangul is about 1em wide, Latin letters and digits about 0.6em. */
function estimateWidthEm(text: string) {
  let width = 0;
  for (const char of text) width += char.charCodeAt(0) < 0x1100 ? 0.6 : 1;
  return width;
}

export function renderProductSvg(product: ProductSeed) {
  const category = DEMO_CATEGORIES.find((item) => item.slug === product.category)!;
  const [from, to] = category.colors;
  const nameSize = Math.min(40, Math.floor(520 / estimateWidthEm(product.name)));
  const name = escapeXml(product.name);

  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" role="img" aria-label="${name}"
  font-family="'Pretendard', 'Apple SD Gothic Neo', 'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', sans-serif">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${from}"/>
      <stop offset="1" stop-color="${to}"/>
    </linearGradient>
    <radialGradient id="glow" cx="0.5" cy="0.5" r="0.5">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.55"/>
      <stop offset="1" stop-color="#ffffff" stop-opacity="0"/>
    </radialGradient>
  </defs>
  <rect width="600" height="600" fill="url(#bg)"/>
  <circle cx="540" cy="70" r="150" fill="#ffffff" fill-opacity="0.09"/>
  <circle cx="40" cy="580" r="200" fill="#000000" fill-opacity="0.07"/>
  <circle cx="300" cy="260" r="210" fill="url(#glow)"/>
  <circle cx="300" cy="260" r="125" fill="#ffffff" fill-opacity="0.2" stroke="#ffffff" stroke-opacity="0.35" stroke-width="3"/>
  <g transform="translate(220 180) scale(1.6)" fill="none" stroke="#ffffff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round">
    ${CATEGORY_ICONS[category.slug]}
  </g>
  <text x="40" y="66" fill="#ffffff" fill-opacity="0.9" font-size="22" font-weight="700" letter-spacing="3">FLASHMART · ${escapeXml(category.name)}</text>
  <text x="302" y="502" fill="#000000" fill-opacity="0.18" font-size="${nameSize}" font-weight="800" text-anchor="middle">${name}</text>
  <text x="300" y="500" fill="#ffffff" font-size="${nameSize}" font-weight="800" text-anchor="middle">${name}</text>
</svg>
`;
}

/** Writes images that are missing (they are committed; this only fills gaps after a product is added). */
export async function writeProductImages(directory = PRODUCT_IMAGES_DIR) {
  await mkdir(directory, { recursive: true });
  let written = 0;
  for (const product of DEMO_PRODUCTS) {
    const file = path.join(directory, `${product.slug}.svg`);
    if (existsSync(file)) continue;
    await writeFile(file, renderProductSvg(product), "utf8");
    written += 1;
  }
  return written;
}

async function main() {
  const { env } = await import("~/server/env.js");
  // Prisma reports a down server only as a transaction timeout; a direct connection gives a useful message.
  await (await connectMariaDb(env.DATABASE_URL)).end();

  const { db } = await import("~/server/db.ts");
  try {
    const imagesWritten = await writeProductImages();
    if (imagesWritten > 0) console.log(`Wrote ${imagesWritten} product image(s) to ${path.relative(process.cwd(), PRODUCT_IMAGES_DIR)}`);

    const result = await seedDemoData(db, { now: new Date() });
    if (result.isSkipped) {
      console.log("Database already seeded (it has products); nothing to do.");
      return;
    }

    const won = new Intl.NumberFormat("ko-KR");
    console.log(`Seeded ${result.categories} categories, ${result.products} products and ${result.users.length} users.`);
    console.log(
      `Sale #${result.sale.id}: ${result.sale.productName} ₩${won.format(result.sale.salePrice)} × ${result.sale.quantity}, ` +
        `opens ${result.sale.opensAt.toISOString()}`,
    );
    console.log("Demo logins:");
    for (const user of result.users) console.log(`  ${user.role.padEnd(5)}  ${user.email} / ${user.password}`);
  } finally {
    await db.$disconnect();
  }
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) {
  main().catch((error: unknown) => {
    if (error instanceof DatabaseUnreachableError) console.error(error.message);
    else if ((error as { code?: string }).code === "P2021") console.error("Tables are missing: run `npm run db:migrate` first.");
    else console.error(error);
    process.exit(1);
  });
}
