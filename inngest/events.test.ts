import { describe, expect, it } from "vitest";

import * as inngestEvents from "~/inngest/events.ts";
import { domainEvents } from "~/server/domain/events.ts";

describe("Inngest event declarations", () => {
  it("declare exactly the domain catalog's events, with the catalog's schemas", () => {
    const declared = Object.values(inngestEvents);
    expect(declared.map((event) => event.name).sort()).toEqual(domainEvents.map((event) => event.name).sort());
    for (const event of declared) expect(event.schema).toBe(domainEvents.find((domainEvent) => domainEvent.name === event.name)?.schema);
  });
});
