import tailwindcss from "@tailwindcss/vite";
import vue from "@vitejs/plugin-vue";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The agent web app's build. The output is static files the embedded server serves with a strict CSP
 * (no inline script or style: Vite emits neither). `npm run dev -w @helperiq/web` serves it with hot reload
 * and forwards the API, uploads and the WebSocket to a server on :9000.
 */
const api = process.env.HELPERIQ_API ?? "http://localhost:9000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [vue({ features: { optionsAPI: false, prodDevtools: false } }), tailwindcss()],
  define: {
    // vue-i18n: Composition API only, no devtools hooks in production.
    __VUE_I18N_FULL_INSTALL__: "false",
    __VUE_I18N_LEGACY_API__: "false",
    __INTLIFY_PROD_DEVTOOLS__: "false",
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    // dist/.vite/manifest.json: each chunk's static imports, for the bench's initial-JavaScript figure
    // (bench/web.ts). Dotfiles are never served or deployed (packages/web/serving.ts).
    manifest: true,
    // Rolldown's per-plugin timing report is noise in `npm start`'s output.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: {
      "/api": api,
      "/uploads": api,
      "/logout": api,
      "/ws": { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
});
