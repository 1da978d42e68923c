export * from "./audit.ts";
export * from "./cards.ts";
export * from "./decisions.ts";
export * from "./inbox.ts";
export * from "./kb.ts";
export * from "./roles.ts";
export * from "./users.ts";
