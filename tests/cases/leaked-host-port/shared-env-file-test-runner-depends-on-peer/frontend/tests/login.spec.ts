const user = process.env.FIRST_SUPERUSER;
export const api = process.env.VITE_API_URL;
