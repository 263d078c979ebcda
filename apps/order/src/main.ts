import './tracing';
import { runService } from '@app/transport';
import { AppModule } from './app.module';

runService('order', AppModule);
