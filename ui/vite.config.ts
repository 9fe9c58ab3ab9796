import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the app serves ui/dist from Tauri's custom protocol.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // A zone with DST that differs from the posts' zones in the tests.
    env: { TZ: "America/New_York" },
  },
});
