import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Several files start real services and measure concurrency; on a 2-core machine running
    // files side by side starves them and makes timing-sensitive waits flaky.
    fileParallelism: false,
  },
});
