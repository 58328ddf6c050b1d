export { createHealthRoutes } from './healthRoutes';
