/** The services that serve messages: listed in libs/config/src/services.json. */
export type { ServiceName } from '@app/config';
