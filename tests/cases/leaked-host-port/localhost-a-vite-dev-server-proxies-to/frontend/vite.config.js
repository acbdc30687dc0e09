import { defineConfig } from 'vite';
export default defineConfig({
  server: {
    proxy: {
      '/api': { target: process.env.API_URL || 'http://127.0.0.1:9000', changeOrigin: true },
    },
  },
});
