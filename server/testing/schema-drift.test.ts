// Migrations are hand-written (no schema engine offline), so nothing else notices when prisma/schema.prisma and
// prisma/migrations disagree. This compares the schema with what the migrations really built in this run's database.
import { readFileSync } from "node:fs";

import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { beforeAll, describe, expect, it } from "vitest";

import { connectMariaDb, databaseNameOf } from "~/scripts/migrate.ts";

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfEnum = { name: string; values: { name: string; dbName: string | null }[] };
type DmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: { name: string }[];
};
type Datamodel = { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };

type DbColumn = { table: string; column: string; columnType: string; isNullable: boolean; isAutoIncrement: boolean };
type DbIndex = { table: string; name: string; kind: IndexKind; columns: string[] };
type DbForeignKey = {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
};
type DbSnapshot = {
  tables: string[];
  columns: DbColumn[];
  jsonColumns: string[]; // "Table.column", from MariaDB's json_valid() CHECK: its JSON type is only a LONGTEXT alias
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
};
type IndexKind = "primary" | "unique" | "normal" | "fulltext";

const SCHEMA_PATH = new URL("../../prisma/schema.prisma", import.meta.url);
const HISTORY_TABLE = "_prisma_migrations";
const MAX_IDENTIFIER_LENGTH = 64;

function parseDatamodel(schemaText: string): Datamodel {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] })));
  return dmmf.datamodel as Datamodel;
}

/**
 * MariaDB keeps integer display widths (`int(11)`); only `tinyint(1)` carries meaning (Prisma's Boolean).
 * Enum values are case-sensitive, so only the type keyword is lowercased.
 */
function normalizeColumnType(columnType: string) {
  const trimmed = columnType.trim();
  if (/^enum\(/i.test(trimmed)) return `enum${trimmed.slice(4)}`;
  const lower = trimmed.toLowerCase();
  if (lower.startsWith("tinyint(1)")) return lower;
  return lower.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1");
}

function withPrecision(type: string, precision: string | undefined) {
  return precision === undefined || precision === "0" ? type : `${type}(${precision})`;
}

// Prisma's MySQL native types, written the way information_schema.COLUMNS.COLUMN_TYPE reports them on MariaDB.
const NATIVE_COLUMN_TYPES: Record<string, (args: string[]) => string> = {
  VarChar: ([length]) => `varchar(${length})`,
  Char: ([length]) => `char(${length})`,
  TinyText: () => "tinytext",
  Text: () => "text",
  MediumText: () => "mediumtext",
  LongText: () => "longtext",
  DateTime: ([precision]) => withPrecision("datetime", precision),
  Timestamp: ([precision]) => withPrecision("timestamp", precision),
  Time: ([precision]) => withPrecision("time", precision),
  Date: () => "date",
  Year: () => "year",
  TinyInt: () => "tinyint",
  UnsignedTinyInt: () => "tinyint unsigned",
  SmallInt: () => "smallint",
  UnsignedSmallInt: () => "smallint unsigned",
  MediumInt: () => "mediumint",
  UnsignedMediumInt: () => "mediumint unsigned",
  Int: () => "int",
  UnsignedInt: () => "int unsigned",
  BigInt: () => "bigint",
  UnsignedBigInt: () => "bigint unsigned",
  Decimal: ([precision, scale]) => `decimal(${precision ?? 65},${scale ?? 30})`,
  Double: () => "double",
  Float: () => "float",
  Bit: ([length]) => `bit(${length ?? 1})`,
  Binary: ([length]) => `binary(${length})`,
  VarBinary: ([length]) => `varbinary(${length})`,
  TinyBlob: () => "tinyblob",
  Blob: () => "blob",
  MediumBlob: () => "mediumblob",
  LongBlob: () => "longblob",
  Json: () => "longtext",
};

// What Prisma creates on MySQL/MariaDB for a scalar without @db.
const DEFAULT_COLUMN_TYPES: Record<string, string> = {
  String: "varchar(191)",
  Boolean: "tinyint(1)",
  Int: "int",
  BigInt: "bigint",
  Float: "double",
  Decimal: "decimal(65,30)",
  DateTime: "datetime(3)",
  Json: "longtext",
  Bytes: "longblob",
};

function expectedColumnType(field: DmmfField, enums: Map<string, DmmfEnum>): string {
  if (field.kind === "enum") {
    const values = enums.get(field.type)?.values.map((value) => value.dbName ?? value.name) ?? [];
    return `enum(${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(",")})`;
  }
  if (field.nativeType) {
    const [nativeName, args] = field.nativeType;
    const toColumnType = NATIVE_COLUMN_TYPES[nativeName];
    if (!toColumnType) throw new Error(`schema-drift test does not know @db.${nativeName}; add it to NATIVE_COLUMN_TYPES`);
    return toColumnType(args);
  }
  const columnType = DEFAULT_COLUMN_TYPES[field.type];
  if (!columnType) throw new Error(`schema-drift test does not know Prisma type ${field.type}; add it to DEFAULT_COLUMN_TYPES`);
  return columnType;
}

// Prisma's referential actions when the relation does not name them (relationMode "foreignKeys").
function referentialAction(action: string | undefined, fallback: string) {
  const names: Record<string, string> = {
    Cascade: "CASCADE",
    Restrict: "RESTRICT",
    NoAction: "NO ACTION",
    SetNull: "SET NULL",
    SetDefault: "SET DEFAULT",
  };
  return action ? (names[action] ?? action.toUpperCase()) : fallback;
}

function indexSignature(index: { kind: IndexKind; columns: string[] }) {
  return `${index.kind} (${index.columns.join(", ")})`;
}

function foreignKeySignature(key: { columns: string[]; referencedTable: string; referencedColumns: string[] }) {
  return `(${key.columns.join(", ")}) -> ${key.referencedTable}(${key.referencedColumns.join(", ")})`;
}

/** Every disagreement between the Prisma schema and the database, as sorted human-readable lines. */
function diffSchemaAgainstDatabase(schemaText: string, db: DbSnapshot): string[] {
  const datamodel = parseDatamodel(schemaText);
  const usesForeignKeys = !/relationMode\s*=\s*"prisma"/.test(schemaText);
  const differences: string[] = [];
  const enums = new Map(datamodel.enums.map((item) => [item.name, item]));
  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const expectedTables = new Set([HISTORY_TABLE]);
  const dbTables = new Set(db.tables);

  for (const model of datamodel.models) {
    const table = tableOf(model);
    expectedTables.add(table);
    if (!dbTables.has(table)) {
      differences.push(`${table}: table missing in database (model ${model.name})`);
      continue;
    }

    // Columns.
    const dbColumns = new Map(db.columns.filter((column) => column.table === table).map((column) => [column.column, column]));
    const expectedColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === "object") {
        // Implicit many-to-many: both sides are lists without foreign key fields; Prisma adds a `_Relation` table.
        const other = models.get(field.type)?.fields.find((f) => f.relationName === field.relationName && f !== field);
        if (field.isList && other?.isList) expectedTables.add(`_${field.relationName}`);
        continue;
      }
      const column = field.dbName ?? field.name;
      expectedColumns.add(column);
      const dbColumn = dbColumns.get(column);
      if (!dbColumn) {
        differences.push(`${table}.${column}: column missing in database`);
        continue;
      }
      if (dbColumn.isNullable === field.isRequired) {
        const dbNullability = dbColumn.isNullable ? "NULL" : "NOT NULL";
        differences.push(`${table}.${column}: database is ${dbNullability}, schema says ${field.isRequired ? "required" : "optional"}`);
      }
      if (field.kind === "unsupported") continue;
      const expectedType = expectedColumnType(field, enums);
      if (normalizeColumnType(dbColumn.columnType) !== expectedType) {
        differences.push(`${table}.${column}: database type ${dbColumn.columnType}, schema expects ${expectedType}`);
      }
      const isJsonInSchema = field.type === "Json" || field.nativeType?.[0] === "Json";
      if (isJsonInSchema !== db.jsonColumns.includes(`${table}.${column}`)) {
        const problem = isJsonInSchema ? "schema says Json but the column is not JSON" : "column is JSON, schema is not";
        differences.push(`${table}.${column}: ${problem}`);
      }
      const isAutoIncrement = (field.default as { name?: string } | undefined)?.name === "autoincrement";
      if (isAutoIncrement !== dbColumn.isAutoIncrement) {
        differences.push(
          `${table}.${column}: AUTO_INCREMENT is ${dbColumn.isAutoIncrement ? "on" : "off"} in database, ` +
            `schema ${isAutoIncrement ? "has" : "lacks"} @default(autoincrement())`,
        );
      }
    }
    for (const column of dbColumns.keys()) {
      if (!expectedColumns.has(column)) differences.push(`${table}.${column}: column in database but not in schema`);
    }

    // Foreign keys, by column list and target; Prisma's default names are implied by Prisma's own migrations.
    const expectedKeys = usesForeignKeys
      ? model.fields
          .filter((field) => field.kind === "object" && (field.relationFromFields?.length ?? 0) > 0)
          .map((field) => {
            const target = models.get(field.type)!;
            return {
              columns: field.relationFromFields!.map((name) => columnOf(model, name)),
              referencedTable: tableOf(target),
              referencedColumns: (field.relationToFields ?? []).map((name) => columnOf(target, name)),
              onDelete: referentialAction(field.relationOnDelete, field.isRequired ? "RESTRICT" : "SET NULL"),
              onUpdate: referentialAction(field.relationOnUpdate, "CASCADE"),
            };
          })
      : [];
    const dbKeys = db.foreignKeys.filter((key) => key.table === table);
    for (const expected of expectedKeys) {
      const signature = foreignKeySignature(expected);
      const dbKey = dbKeys.find((key) => foreignKeySignature(key) === signature);
      if (!dbKey) {
        differences.push(`${table}: foreign key ${signature} missing in database`);
        continue;
      }
      if (dbKey.onDelete !== expected.onDelete || dbKey.onUpdate !== expected.onUpdate) {
        differences.push(
          `${table}: foreign key ${signature} is ON DELETE ${dbKey.onDelete} ON UPDATE ${dbKey.onUpdate}, ` +
            `schema expects ON DELETE ${expected.onDelete} ON UPDATE ${expected.onUpdate}`,
        );
      }
    }
    for (const dbKey of dbKeys) {
      const signature = foreignKeySignature(dbKey);
      if (!expectedKeys.some((key) => foreignKeySignature(key) === signature)) {
        differences.push(`${table}: foreign key ${dbKey.name} ${signature} in database but not in schema`);
      }
    }

    // Indexes, matched by kind and column list; names are checked too, since `prisma migrate diff` compares them.
    const expectedIndexes = datamodel.indexes
      .filter((index) => index.model === model.name)
      .map((index) => {
        const kind: IndexKind = index.type === "id" ? "primary" : index.type;
        const columns = index.fields.map((field) => columnOf(model, field.name));
        const suffix = kind === "unique" ? "key" : "idx";
        const name = kind === "primary" ? "PRIMARY" : (index.dbName ?? `${table}_${columns.join("_")}_${suffix}`);
        return { kind, columns, name };
      });
    const dbIndexes = db.indexes.filter((index) => index.table === table);
    for (const expected of expectedIndexes) {
      const dbIndex = dbIndexes.find((index) => indexSignature(index) === indexSignature(expected));
      if (!dbIndex) {
        differences.push(`${table}: ${indexSignature(expected)} index missing in database`);
        continue;
      }
      if (expected.name.length <= MAX_IDENTIFIER_LENGTH && dbIndex.name !== expected.name) {
        differences.push(`${table}: ${indexSignature(expected)} index is named ${dbIndex.name}, schema implies ${expected.name}`);
      }
    }
    for (const dbIndex of dbIndexes) {
      if (expectedIndexes.some((index) => indexSignature(index) === indexSignature(dbIndex))) continue;
      // InnoDB creates an index named after a foreign key when no existing index covers its columns.
      const isForeignKeyIndex = dbKeys.some(
        (key) => key.name === dbIndex.name && key.columns.join() === dbIndex.columns.join(),
      );
      if (!isForeignKeyIndex) {
        differences.push(`${table}: ${indexSignature(dbIndex)} index ${dbIndex.name} in database but not in schema`);
      }
    }
  }

  for (const table of db.tables) {
    if (!expectedTables.has(table)) differences.push(`${table}: table in database but not in schema`);
  }

  return differences.sort();
}

async function readDatabaseSnapshot(databaseUrl: string): Promise<DbSnapshot> {
  const schema = databaseNameOf(databaseUrl);
  const connection = await connectMariaDb(databaseUrl);
  try {
    const tables = await connection.query<{ name: string }[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [schema],
    );
    type ColumnRow = { table: string; column: string; columnType: string; nullable: string; extra: string };
    const columns = await connection.query<ColumnRow[]>(
      `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, COLUMN_TYPE AS columnType,
              IS_NULLABLE AS nullable, EXTRA AS extra
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [schema],
    );
    // SELECT *: MySQL's CHECK_CONSTRAINTS has no TABLE_NAME (it needs none: its JSON is a real type).
    const checks = await connection.query<{ TABLE_NAME?: string; CHECK_CLAUSE: string }[]>(
      "SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?",
      [schema],
    );
    type StatisticsRow = { table: string; name: string; nonUnique: number | bigint; indexType: string; column: string };
    const statistics = await connection.query<StatisticsRow[]>(
      `SELECT TABLE_NAME AS \`table\`, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, INDEX_TYPE AS indexType,
              COLUMN_NAME AS \`column\`
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [schema],
    );
    type KeyColumnRow = {
      table: string;
      name: string;
      column: string;
      referencedTable: string;
      referencedColumn: string;
      onDelete: string;
      onUpdate: string;
    };
    const keyColumns = await connection.query<KeyColumnRow[]>(
      `SELECT k.TABLE_NAME AS \`table\`, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS \`column\`,
              k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
              r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      [schema],
    );

    const indexes = new Map<string, DbIndex>();
    for (const row of statistics) {
      const id = `${row.table}.${row.name}`;
      const kind: IndexKind =
        row.name === "PRIMARY"
          ? "primary"
          : row.indexType === "FULLTEXT"
            ? "fulltext"
            : Number(row.nonUnique) === 0
              ? "unique"
              : "normal";
      const index = indexes.get(id) ?? { table: row.table, name: row.name, kind, columns: [] };
      index.columns.push(row.column);
      indexes.set(id, index);
    }

    const foreignKeys = new Map<string, DbForeignKey>();
    for (const row of keyColumns) {
      const id = `${row.table}.${row.name}`;
      const key = foreignKeys.get(id) ?? {
        table: row.table,
        name: row.name,
        columns: [],
        referencedTable: row.referencedTable,
        referencedColumns: [],
        onDelete: row.onDelete,
        onUpdate: row.onUpdate,
      };
      key.columns.push(row.column);
      key.referencedColumns.push(row.referencedColumn);
      foreignKeys.set(id, key);
    }

    return {
      tables: tables.map((row) => row.name),
      columns: columns.map((row) => ({
        table: row.table,
        column: row.column,
        // docker-compose.yml runs MySQL, which has a native JSON type; MariaDB's JSON is LONGTEXT + CHECK.
        columnType: row.columnType.toLowerCase() === "json" ? "longtext" : row.columnType,
        isNullable: row.nullable === "YES",
        isAutoIncrement: row.extra.toLowerCase().includes("auto_increment"),
      })),
      jsonColumns: [
        ...columns.filter((row) => row.columnType.toLowerCase() === "json").map((row) => `${row.table}.${row.column}`),
        ...checks.flatMap((row) => {
          const match = /^json_valid\(`([^`]+)`\)$/i.exec(row.CHECK_CLAUSE.trim());
          return match && row.TABLE_NAME ? [`${row.TABLE_NAME}.${match[1]}`] : [];
        }),
      ],
      indexes: [...indexes.values()],
      foreignKeys: [...foreignKeys.values()],
    };
  } finally {
    await connection.end();
  }
}

/** A replace that refuses to silently do nothing, so the altered-schema test cannot pass vacuously. */
function alter(text: string, from: string | RegExp, to: string) {
  const altered = text.replace(from, to);
  if (altered === text) throw new Error(`alter(): ${String(from)} not found in schema.prisma`);
  return altered;
}

describe("prisma/schema.prisma vs the migrated database", () => {
  const schemaText = readFileSync(SCHEMA_PATH, "utf8");
  let snapshot: DbSnapshot;

  beforeAll(async () => {
    snapshot = await readDatabaseSnapshot(process.env.DATABASE_URL!);
  });

  it("agree on tables, columns, types, nullability, indexes and foreign keys", () => {
    expect(diffSchemaAgainstDatabase(schemaText, snapshot)).toEqual([]);
  });

  it("reports each kind of disagreement when the schema is altered", () => {
    let altered = schemaText;
    altered = alter(altered, /^(\s+price\s+)Int$/m, "$1BigInt");
    altered = alter(altered, /^(\s+closesAt\s+)DateTime\?/m, "$1DateTime ");
    altered = alter(altered, /^(\s+emailIndex\s+String\s+)@unique /m, "$1");
    altered = alter(altered, "  @@index([state, opensAt])\n", "");
    altered = alter(altered, "  CLOSED\n", "  CLOSED\n  ARCHIVED\n");
    altered = alter(altered, /^(\s+emailEnc\s+String\s+)@db\.Text/m, "$1@db.MediumText");
    altered = alter(altered, /^(\s+payload\s+)Json$/m, "$1String @db.LongText");
    altered = alter(altered, /^(model Category \{\n\s+id\s+Int\s+@id) @default\(autoincrement\(\)\)/m, "$1");
    altered = alter(altered, "[productId], references: [id])", "[productId], references: [id], onDelete: Cascade)");
    altered = alter(altered, /^(\s+imageUrl\s+.*)$/m, "$1\n  sku         String        @unique");
    altered = alter(altered, /^model EmailMessage \{[\s\S]*?\n\}\n?/m, "");
    altered = `${altered}\nmodel Coupon {\n  id Int @id @default(autoincrement())\n}\n`;

    expect(diffSchemaAgainstDatabase(altered, snapshot)).toEqual(
      [
        "Category.id: AUTO_INCREMENT is on in database, schema lacks @default(autoincrement())",
        "Coupon: table missing in database (model Coupon)",
        "EmailMessage: table in database but not in schema",
        "OutboxEvent.payload: column is JSON, schema is not",
        "Product.price: database type int(11), schema expects bigint",
        "Product.sku: column missing in database",
        "Product: unique (sku) index missing in database",
        "Sale.closesAt: database is NULL, schema says required",
        "Sale.state: database type enum('SCHEDULED','OPEN','PAUSED','SOLD_OUT','CLOSED'), " +
          "schema expects enum('SCHEDULED','OPEN','PAUSED','SOLD_OUT','CLOSED','ARCHIVED')",
        "Sale: foreign key (productId) -> Product(id) is ON DELETE RESTRICT ON UPDATE CASCADE, " +
          "schema expects ON DELETE CASCADE ON UPDATE CASCADE",
        "Sale: normal (state, opensAt) index Sale_state_opensAt_idx in database but not in schema",
        "User.emailEnc: database type text, schema expects mediumtext",
        "User: unique (emailIndex) index User_emailIndex_key in database but not in schema",
      ].sort(),
    );
  });

  it("reports database-side extras and renamed indexes", () => {
    const tampered: DbSnapshot = {
      ...snapshot,
      tables: [...snapshot.tables, "Leftover"],
      columns: [
        ...snapshot.columns,
        { table: "Product", column: "legacyCode", columnType: "varchar(20)", isNullable: true, isAutoIncrement: false },
      ],
      indexes: snapshot.indexes.map((index) =>
        index.name === "Category_slug_key" ? { ...index, name: "slug_unique" } : index,
      ),
    };

    expect(diffSchemaAgainstDatabase(schemaText, tampered)).toEqual([
      "Category: unique (slug) index is named slug_unique, schema implies Category_slug_key",
      "Leftover: table in database but not in schema",
      "Product.legacyCode: column in database but not in schema",
    ]);
  });
});
