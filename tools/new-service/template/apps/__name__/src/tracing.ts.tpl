// Imported first by main.ts: instrumentations patch modules as they load, so nothing may load before this.
import { startTracing } from '@app/tracing/sdk';

startTracing({ serviceName: '__project__-__name__' });
