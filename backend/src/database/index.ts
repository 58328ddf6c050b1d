export { connectDatabase, checkDatabase, type DatabaseHealth } from './connectDatabase';
export { startEmbeddedDatabase, FERRETDB_BINARY, type EmbeddedDatabase } from './embeddedDatabase';
