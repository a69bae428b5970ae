export { adminPages, isAdminPages, type AdminPagesDeps } from './admin-pages.js';
