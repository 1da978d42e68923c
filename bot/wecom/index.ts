export { createWecomApi, wecomApiFromConfig } from "./client.ts";
export { renderMarkdownMessages, renderTemplateCard } from "./render-card.ts";
export { isWecomConfigured, wecomRoutes } from "./routes.ts";
