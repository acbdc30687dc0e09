export const api = import.meta.env.VITE_API_URL
