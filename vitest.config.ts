import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests run the Go toolchain; a cold build cache makes the first runs slow.
    testTimeout: 180_000,
  },
});
