export { adminPages, type AdminPagesDeps } from './admin-pages.js';
